"""Bookings, guests, walk-ins and the waitlist, and the host screen."""
