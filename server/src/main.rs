//! `cassiopee`: the server binary and its operator commands (product §7).

mod seed;
mod session_store;

fn main() {}
