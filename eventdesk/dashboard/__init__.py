"""The organizers' live dashboard: counts by activity, booth, site and district, as they happen."""
