use crate::model::NotificationKind;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: NotificationKind,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub link: Option<String>,
    pub session_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}

/// A notification its user has not read yet: it has no read date. The one definition of
/// « non lue », for the notification centre and the header's count.
pub fn unread() -> sea_orm::sea_query::Expr {
    Column::ReadAt.is_null()
}

/// The number of unread notifications of the `users` row of the query around it, as a
/// subquery (the header's count, read with the user).
pub fn unread_of_each_user() -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Query::select()
        .expr(Expr::col((Entity, Column::Id)).count())
        .from(Entity)
        .and_where(
            Expr::col((Entity, Column::UserId))
                .equals((super::user::Entity, super::user::Column::Id)),
        )
        .and_where(unread())
        .to_owned()
}
