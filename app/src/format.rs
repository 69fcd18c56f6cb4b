//! Small display helpers shared by the rules and the pages: money, seats, places and
//! percentages, as a French reader expects them. Dates are in [`crate::dates`].

/// Money for display: « 1 250,50 € » (narrow no-break space between thousands).
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    match cents % 100 {
        0 => format!("{sign}{grouped}\u{a0}€"),
        c => format!("{sign}{grouped},{c:02}\u{a0}€"),
    }
}

/// Money as a form field shows it: « 1250,50 », empty for none.
pub fn euros_input(cents: Option<i64>) -> String {
    match cents {
        None => String::new(),
        Some(c) if c % 100 == 0 => (c / 100).to_string(),
        Some(c) => format!("{},{:02}", c / 100, c % 100),
    }
}

/// « 3 places restantes », « 1 place restante », « Complet ».
pub fn seats_label(capacity: i32, taken: i32) -> String {
    match capacity - taken {
        n if n <= 0 => "Complet".to_owned(),
        1 => "1 place restante".to_owned(),
        n => format!("{n} places restantes"),
    }
}

/// Taux de remplissage in whole percent (§6).
pub fn fill_percent(taken: i32, capacity: i32) -> i32 {
    if capacity > 0 {
        taken * 100 / capacity
    } else {
        0
    }
}

/// At most `max` characters, the last one « … » when the text was cut (a column's length).
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A number with `places` decimals and a French decimal comma: « 82,5 ».
pub fn decimal(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

/// A ratio as a percentage with one decimal: 0.825 → « 82,5 % ».
pub fn percent(ratio: f64) -> String {
    format!("{}\u{a0}%", decimal(ratio * 100.0, 1))
}

/// Where a session takes place: its location, « À distance », or both.
#[cfg(feature = "ssr")]
pub fn place_label(s: &crate::entities::session::Model) -> String {
    match (&s.visio_url, s.location.is_empty()) {
        (Some(_), true) => "À distance".to_owned(),
        (Some(_), false) => format!("{} et à distance", s.location),
        (None, _) => s.location.clone(),
    }
}
