"""Organizer pages: setting up events, places, departments, activities, booths and staff."""
