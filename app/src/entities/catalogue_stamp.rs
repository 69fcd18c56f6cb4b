use sea_orm::entity::prelude::*;

/// The catalogue's stamp (one row): a random value the database renews, by triggers, on every
/// change that could alter what `/formations` offers (migration `catalogue_stamp`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_stamp")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// Made once with the database, never renewed.
    #[sea_orm(column_type = "Text")]
    pub database: String,
    #[sea_orm(column_type = "Text")]
    pub stamp: String,
}

impl ActiveModelBehavior for ActiveModel {}
