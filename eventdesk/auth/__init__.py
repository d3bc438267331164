"""Staff sign-in, and the checks every staff page and API call makes."""
