"""Messages of the output writer."""

CATALOGUE: dict[str, tuple[str, str]] = {
    "out.not_a_folder": ("不是文件夹", "not a folder"),
    "out.busy": ("另一次运行正在写入此文件夹（已等待 {seconds} 秒）",
                 "another run is writing into this folder (waited {seconds} s)"),
    "out.foreign": ("此文件不是本工具写出的（没有 manifest 记录它）；请换一个空文件夹，或先移走该文件",
                    "this file was not written by yunnan-plan (no manifest lists it); choose an empty folder or "
                    "move the file away"),
    "out.folder_in_the_way": ("此处已有同名文件夹；请换一个输出名称，或先移走该文件夹",
                              "a folder of this name is in the way; choose another output name or move it away"),
}
