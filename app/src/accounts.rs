//! Accounts: creating users with validated, normalised input.
