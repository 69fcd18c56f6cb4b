use crate::model::TrainingFormat;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub theme: String,
    pub provider: String,
    pub format: TrainingFormat,
    pub duration_hours: i32,
    pub default_capacity: i32,
    pub fixed_cost_cents: Option<i64>,
    pub seat_cost_cents: Option<i64>,
    pub archived: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
