"""The annual monitoring and evaluation report (规划实施年度监测评估报告).

- :mod:`.model`  the report as data (dataclasses), no Django;
- :mod:`.text`   its words, numbers and tables, shared by the renderers;
- :mod:`.fonts`  whether this machine has a Chinese font for the charts;
- :mod:`.build`  assembly from the services (evaluation, task board, observations);
- :mod:`.charts`, :mod:`.docx`, :mod:`.xlsx`, :mod:`.html`  the renderers;
- :mod:`.render` the one dispatch by format, and :mod:`.views` the page and download.

Imports go one way (model ← text ← build; model ← text ← renderers ← render ← views, the CLI); model and
build never import a renderer (tests/plans/test_report_layers.py checks it).
"""
