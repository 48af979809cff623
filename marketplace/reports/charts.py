"""Chart.js data for the report page, from the same tables the numbers are in."""

from .tables import ReportTable

TOP_BARS = 15


def as_number(value) -> float:
    return float(value) if value is not None else 0.0


def labels_and(table: ReportTable, label_key: str, value_key: str, limit: int | None = None):
    labels = [str(value) for value in table.column(label_key)][:limit]
    return labels, [as_number(value) for value in table.column(value_key)][:limit]


def chart_data(tables: dict[str, ReportTable]) -> dict:
    """{canvas id: {type, labels, datasets: [{label, data}]}} for static/reports/reports.js."""
    over_time = tables["over_time"]
    labels, gmv = labels_and(over_time, "period", "gmv")
    columns = {column.key: column.label for column in over_time.columns}
    charts = {
        "chart-over-time": {
            "type": "line",
            "labels": labels,
            "datasets": [
                {"label": columns["gmv"], "data": gmv, "yAxisID": "y"},
                {
                    "label": columns["orders"],
                    "data": [as_number(v) for v in over_time.column("orders")],
                    "yAxisID": "y1",
                },
            ],
        }
    }
    for canvas, key, label_key, kind in (
        ("chart-methods", "methods", "method", "doughnut"),
        ("chart-shops", "shops", "shop", "bar"),
        ("chart-categories", "categories", "category", "bar"),
    ):
        table = tables[key]
        labels, values = labels_and(table, label_key, "gmv", TOP_BARS)
        title = {column.key: column.label for column in table.columns}["gmv"]
        charts[canvas] = {
            "type": kind,
            "labels": labels,
            "datasets": [{"label": title, "data": values}],
        }
    return charts
