"""Monitoring: the overview and indicator pages, plan versions, the monitor JSON and the page charts."""
