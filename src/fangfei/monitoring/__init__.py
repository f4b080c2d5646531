"""资金异动监测 — fund-flow monitoring: bank data import, scenarios on DuckDB or Spark, alerts.

- ``importer`` (``fangfei tx import``): canonical CSV/xlsx/Parquet, UTF-8 or GBK, checked in
  full with SQL before anything is written; the store is Parquet partitioned by month under
  ``<FANGFEI_HOME>/bank/`` (see ``store``); per-bank column mappings in ``mapping``.
- ``scenarios``: S1–S9 as declarative specs with documented thresholds (``thresholds.yaml``,
  replaced by ``<FANGFEI_HOME>/monitoring/scenarios.yaml`` when an administrator edits a copy),
  compiled to SQL per dialect; ``engines`` owns every call to DuckDB (default) or Spark.
- ``scoring`` turns hits into alerts with evidence; ``alerts`` keeps them under
  ``<FANGFEI_HOME>/monitoring/``; ``holders`` is the seam to the entity register.
- ``generator`` (with ``lookalikes`` and ``schemes``) writes a synthetic county with ground
  truth; ``quality`` measures precision and recall against it.
- ``cli``: ``tx_app`` and ``monitor_app``, mounted as ``fangfei tx`` and ``fangfei monitor``.

On a Spark cluster: put FANGFEI_HOME on storage every executor reads under the same path (NFS,
or HDFS/S3 mounted there), then ``fangfei monitor run --engine spark --master spark://host:7077``
(or set FANGFEI_SPARK_MASTER; ``yarn`` and ``k8s://…`` work the same way). The driver runs where
the command runs; only the hits come back to it.
"""
