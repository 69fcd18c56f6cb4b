use crate::model::Priority;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub programme_id: i32,
    pub training_id: i32,
    pub priority: Priority,
    pub position: i32,
}

impl ActiveModelBehavior for ActiveModel {}
