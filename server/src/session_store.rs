//! tower-sessions store over SeaORM: web sessions live in the application database.
