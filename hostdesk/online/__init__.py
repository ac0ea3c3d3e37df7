"""Online booking: the guest's own booking page (/book), the manage link, the confirmation and reminder
e-mails with a calendar file, and the manager's settings for it."""
