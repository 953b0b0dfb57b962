"""Dash pages of the staff app: workspace, dashboard, statistics, admin."""
