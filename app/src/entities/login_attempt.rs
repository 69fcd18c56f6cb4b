use sea_orm::entity::prelude::*;

/// Failed logins of one key (an account or a client address) in the current window.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub window_start: DateTimeUtc,
    pub failures: i32,
}

impl ActiveModelBehavior for ActiveModel {}
