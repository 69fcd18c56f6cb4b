//! Demo data set (product §7): French, realistic, idempotent.
