use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "web_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub expires_at: DateTimeUtc,
    /// The logged-in user, if any: their sessions end when their password is reset or their
    /// account deactivated.
    pub user_id: Option<i32>,
    /// When the session began: none lives longer than the store's maximum age.
    pub created_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
