use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "officer_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// Grade, e.g. « Général de brigade ».
    pub grade: String,
    /// Armée ou service d'origine, e.g. « Armée de Terre ».
    pub armee: String,
    pub phone: Option<String>,
    pub departure_date: Option<Date>,
}

impl ActiveModelBehavior for ActiveModel {}
