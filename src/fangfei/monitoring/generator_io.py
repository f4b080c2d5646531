"""Writing what the generator makes: canonical CSV or Parquet files and the labels."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from fangfei.monitoring.canonical import TIMESTAMP_FORMAT

if TYPE_CHECKING:
    from fangfei.monitoring.generator import County, Format


class LineWriter:
    """Streams line tables to canonical CSV or Parquet."""

    def __init__(self, path: Path, fmt: Format) -> None:
        self.path, self.fmt = path, fmt
        self._csv: pa_csv.CSVWriter | None = None
        self._parquet: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        """Append one chunk."""
        if self.fmt == "parquet":
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            self._parquet.write_table(table)
            return
        stamp = pc.strftime(table.column("timestamp"), TIMESTAMP_FORMAT)
        table = table.set_column(table.schema.get_field_index("timestamp"), "timestamp", stamp)
        if self._csv is None:
            options = pa_csv.WriteOptions(quoting_style="needed")
            self._csv = pa_csv.CSVWriter(self.path, table.schema, write_options=options)
        self._csv.write_table(table)

    def close(self) -> None:
        """Finish the file."""
        for writer in (self._csv, self._parquet):
            if writer is not None:
                writer.close()


def write_accounts(county: County, path: Path, fmt: Format) -> None:
    rows = county.accounts
    table = pa.table(
        {
            "account_id": [a.account_id for a in rows],
            "bank": [a.bank for a in rows],
            "holder_name": [a.name for a in rows],
            "holder_type": [a.holder_type for a in rows],
            "holder_id": [a.holder_id for a in rows],
            "opened_at": pa.array([a.opened for a in rows], pa.date32()),
        }
    )
    if fmt == "parquet":
        pq.write_table(table, path)
    else:
        pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))


def write_labels(county: County, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["account_id", "bank", "role", "typologies", "scheme"])
        for a in county.accounts:
            out.writerow([a.account_id, a.bank, a.role, ";".join(sorted(a.typologies)), a.scheme])
