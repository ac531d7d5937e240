"""科技成果转化 (technology transfer): achievements, licences and dues, technology contracts, the
安心屋 workflow, demands, scenario lists and matching."""
