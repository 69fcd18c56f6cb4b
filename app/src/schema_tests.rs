//! The lengths the forms accept ([`crate::model::max_len`]) are those of the columns, on both
//! engines: a longer text would be a 500 on PostgreSQL (SQLite does not enforce `varchar`).

use crate::model::max_len::COLUMNS;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// The declared length of a `varchar` column.
async fn declared_len(db: &DatabaseConnection, table: &str, column: &str) -> usize {
    let backend = db.get_database_backend();
    let row = match backend {
        DbBackend::Postgres => db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT character_maximum_length::bigint AS n FROM information_schema.columns \
                 WHERE table_name = $1 AND column_name = $2",
                [table.into(), column.into()],
            ))
            .await
            .unwrap()
            .map(|r| r.try_get::<i64>("", "n").unwrap()),
        _ => {
            let sql = format!("SELECT type FROM pragma_table_info('{table}') WHERE name = ?");
            db.query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [column.into()],
            ))
            .await
            .unwrap()
            .map(|r| {
                let ty: String = r.try_get("", "type").unwrap();
                let digits: String = ty.chars().filter(char::is_ascii_digit).collect();
                digits
                    .parse()
                    .unwrap_or_else(|_| panic!("{table}.{column}: {ty}"))
            })
        }
    };
    let n = row.unwrap_or_else(|| panic!("no column {table}.{column}"));
    usize::try_from(n).unwrap()
}

async fn compare(db: &DatabaseConnection) {
    for (table, column, limit) in COLUMNS {
        assert_eq!(
            declared_len(db, table, column).await,
            limit,
            "{table}.{column}: the form and the column disagree"
        );
    }
}

#[tokio::test]
async fn form_lengths_are_the_column_lengths_on_sqlite() {
    compare(&crate::testing::test_db().await).await;
}

#[tokio::test]
async fn form_lengths_are_the_column_lengths_on_postgres() {
    if let Some(db) = crate::testing::postgres().await {
        compare(&db).await;
    }
}
