"""Messages of distributed sweeps (issue 19)."""

CATALOGUE: dict[str, tuple[str, str]] = {
    "sweep.executor": ("求解各点的方式：processes 本机进程（默认）；dask 一个 dask.distributed 集群",
                       "where the points are solved: processes, local processes (default); dask, a "
                       "dask.distributed cluster"),
    "sweep.scheduler": ("dask 调度器地址，如 tcp://10.0.0.5:8786（省略则在 127.0.0.1 上启动本地集群）",
                        "address of the dask scheduler, e.g. tcp://10.0.0.5:8786 (omitted: a local cluster on "
                        "127.0.0.1)"),
    "sweep.unknown_executor": ("未知的执行方式，可选：{choices}", "unknown executor; choose from {choices}"),
    "sweep.inputs_differ": ("计算节点的输入不同（input_id {worker} ≠ {expected}）："
                            "每个节点须安装相同版本的程序包与数据",
                            "the worker's inputs differ (input_id {worker} ≠ {expected}): install the same package "
                            "and data version on every worker"),
    "sweep.scheduler_unreachable": ("无法连接 dask 调度器 {address}：{reason}",
                                    "cannot reach the dask scheduler at {address}: {reason}"),
    # --param: how a swept setting is written
    "sweep.param_form": ("应写作 名称=起:止:步长 或 名称=值1,值2",
                         "expected NAME=START:STOP:STEP or NAME=V1,V2"),
    "sweep.param_spec": ("应写作 起:止:步长（步长 > 0，止 ≥ 起），或以逗号分隔的一组数",
                         "expected START:STOP:STEP with STEP > 0 and STOP ≥ START, or a comma-separated list of "
                         "numbers"),
    "sweep.param_unknown": ("不能扫描“{name}”{tail}", "cannot sweep '{name}'{tail}"),
    "sweep.param_choose": ("；可选：{choices}", "; choose from {choices}"),
    "sweep.param_value": ("{value}：{reason}", "{value}: {reason}"),
    # a point that did not finish
    "sweep.worker_died": ("计算进程在此点上终止", "the worker process died on this point"),
    "sweep.point_failed": ("此点求解出错：{error}", "{error}"),
    "sweep.plot_title": ("{figure}随 {x} 的变化", "{figure} against {x}"),
    "sweep.plot_failed": ("（红线：不可行或未算出）", " (red: infeasible or failed)"),
}
