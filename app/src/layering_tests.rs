//! Keeps the layering written at the top of `lib.rs`: a module uses only the modules declared
//! before it. Every `.rs` file of a module (its tests included) is read, comments aside, and
//! each path that leaves it — `crate::…`, alone or in a `use crate::{…}` group, or a chain of
//! `super::` that climbs to the crate root — names the module it reaches.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules in the order `lib.rs` declares them.
fn declared_order(lib: &str) -> Vec<String> {
    lib.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//"))
        .filter_map(|l| {
            let l = l.strip_prefix("pub ").unwrap_or(l);
            let name = l.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.trim().to_owned())
        })
        .filter(|name| name != "layering_tests")
        .collect()
}

/// The source without its comments (line, doc and block comments). String and character
/// literals are kept as they are (a `"` in `'"'` opens no string); a `crate::` inside a string
/// is rare and harmless to count.
fn strip_comments(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < c.len() {
        let ident_before = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
        let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
        if c[i] == 'r' && !ident_before && c.get(i + 1 + hashes) == Some(&'"') {
            // A raw string r#"…"#: it ends at a quote followed by as many hashes.
            let close: Vec<char> = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            let body = i + 2 + hashes;
            let end = (body..c.len())
                .find(|&j| c[j..].starts_with(&close))
                .map_or(c.len(), |j| j + close.len());
            out.extend(&c[i..end]);
            i = end;
            continue;
        }
        match c[i] {
            '"' => {
                out.push('"');
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' && i + 1 < c.len() {
                        out.push(c[i]);
                        i += 1;
                    }
                    out.push(c[i]);
                    i += 1;
                }
                out.push('"');
                i += 1;
            }
            '\'' if c.get(i + 2) == Some(&'\'') || c.get(i + 1) == Some(&'\\') => {
                // A character literal: 'x' or '\x…'.
                let end = (i + 2..c.len())
                    .find(|&j| c[j] == '\'')
                    .unwrap_or(c.len() - 1);
                out.extend(&c[i..=end]);
                i = end + 1;
            }
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

fn ident_at(s: &str) -> Option<String> {
    let ident: String = s
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!ident.is_empty()).then_some(ident)
}

/// The first segment of every `crate::` path: `crate::a::b` gives `a`, `crate::{a, b::c}`
/// gives `a` and `b`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue; // `my_crate::`, not ours
        }
        path_heads(rest, &mut found);
    }
    found
}

/// The identifiers a path continues with after `rest`: one name, every name of a `{…}` group,
/// or `*` for a glob.
fn path_heads(rest: &str, found: &mut BTreeSet<String>) {
    if rest.starts_with('*') {
        found.insert("*".to_owned());
    } else if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 1;
        let mut item_start = true;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ',' if depth == 1 => item_start = true,
                c if c.is_whitespace() => {}
                _ if item_start && depth == 1 => {
                    if let Some(name) = ident_at(&group[i..]) {
                        found.insert(name);
                    } else if group[i..].starts_with('*') {
                        found.insert("*".to_owned());
                    }
                    item_start = false;
                }
                _ => {}
            }
        }
    } else if let Some(name) = ident_at(rest) {
        found.insert(name);
    }
}

/// The top-level modules that `super::` chains reach from a file `depth` modules below the
/// crate root (`x.rs` and `x/mod.rs`: 1, `x/y.rs`: 2…), counting the inline `mod m { … }`
/// blocks the chain stands in.
fn super_paths(code: &str, depth: usize) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut braces = 0usize;
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut i = 0;
    let word_start =
        |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    while i < bytes.len() {
        match bytes[i] {
            b'{' => braces += 1,
            b'}' => {
                braces = braces.saturating_sub(1);
                if inline_mods.last().is_some_and(|&d| braces < d) {
                    inline_mods.pop();
                }
            }
            b'm' if word_start(i) && code[i..].starts_with("mod ") => {
                let after = &code[i + 4..];
                if let Some(name) = ident_at(after.trim_start()) {
                    let tail = after.trim_start()[name.len()..].trim_start();
                    if tail.starts_with('{') {
                        inline_mods.push(braces + 1);
                    }
                }
            }
            b's' if word_start(i) && code[i..].starts_with("super::") => {
                let mut rest = &code[i..];
                let mut climbs = 0;
                while let Some(r) = rest.strip_prefix("super::") {
                    climbs += 1;
                    rest = r;
                }
                if climbs >= depth + inline_mods.len() {
                    path_heads(rest, &mut found);
                }
                i += "super::".len() * climbs;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// How many modules below the crate root a file is.
fn module_depth(root: &Path, file: &Path) -> usize {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let parts = rel.components().count();
    if rel.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every upward arrow: (module, the module above it that it uses, a file where it does).
fn upward_arrows(root: &Path) -> Vec<(String, String, String)> {
    let lib = fs::read_to_string(root.join("lib.rs")).expect("read lib.rs");
    let order = declared_order(&lib);
    let rank = |m: &str| order.iter().position(|o| o == m);
    let mut arrows = Vec::new();
    for (at, module) in order.iter().enumerate() {
        let mut files = Vec::new();
        let single = root.join(format!("{module}.rs"));
        if single.is_file() {
            files.push(single);
        }
        rust_files(&root.join(module), &mut files);
        files.sort();
        for file in files {
            let code = strip_comments(&fs::read_to_string(&file).expect("read source"));
            let mut used_all = crate_paths(&code);
            used_all.extend(super_paths(&code, module_depth(root, &file)));
            for used in used_all {
                if used == "*" {
                    // A glob of the crate root reaches every module, those above included.
                    let shown = file
                        .strip_prefix(root)
                        .unwrap_or(&file)
                        .display()
                        .to_string();
                    arrows.push((module.clone(), "* (every module)".to_owned(), shown));
                    continue;
                }
                if let Some(r) = rank(&used)
                    && r > at
                {
                    let shown = file
                        .strip_prefix(root)
                        .unwrap_or(&file)
                        .display()
                        .to_string();
                    arrows.push((module.clone(), used, shown));
                }
            }
        }
    }
    arrows
}

#[test]
fn every_module_uses_only_the_modules_declared_before_it() {
    let arrows = upward_arrows(&src());
    let report: Vec<String> = arrows
        .iter()
        .map(|(from, to, file)| format!("  {from} → {to} (in {file})"))
        .collect();
    assert!(
        report.is_empty(),
        "these modules use a module declared after them in lib.rs (move the shared part down, \
         or pass it in):\n{}",
        report.join("\n")
    );
}

#[test]
fn the_declared_order_covers_every_module() {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap();
    let order = declared_order(&lib);
    assert!(order.len() > 20, "{order:?}");
    for entry in fs::read_dir(src()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let module = name.strip_suffix(".rs").unwrap_or(&name).to_owned();
        if module == "lib" || module == "layering_tests" {
            continue;
        }
        assert!(
            order.contains(&module),
            "{module} is not declared in lib.rs"
        );
    }
}

#[test]
fn paths_are_read_alone_and_in_groups_comments_aside() {
    let code = r#"
        use crate::{error::AppError, model::{Role, SessionStatus}, records};
        // crate::pages in a comment does not count
        /* nor crate::app here */
        let q = '"'; let s = "// crate::format inside a string";
        let x = crate::dates::day(now);
        let y = my_crate::other();
    "#;
    let found = crate_paths(&strip_comments(code));
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["dates", "error", "format", "model", "records"]);
}

#[test]
fn super_chains_that_climb_to_the_root_are_read_too() {
    let code = strip_comments(
        "use super::helpers;\n\
         use super::super::enrolment::Action;\n\
         fn f() { super::super::{pages::X, app::Y}; }\n\
         #[cfg(test)]\n\
         mod tests { use super::*; use super::super::super::format::euros; }\n",
    );
    let found: Vec<String> = super_paths(&code, 2).into_iter().collect();
    assert_eq!(found, ["app", "enrolment", "format", "pages"]);
    // From a top-level module, `use super::*` is a glob of the whole crate.
    let found: Vec<String> = super_paths("use super::*;", 1).into_iter().collect();
    assert_eq!(found, ["*"]);
}

#[test]
fn an_upward_import_is_caught_and_named() {
    let dir = std::env::temp_dir().join(format!("cassiopee_layers_{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("low")).unwrap();
    fs::write(
        dir.join("lib.rs"),
        "// bottom\npub mod low;\n#[cfg(feature = \"ssr\")]\npub mod high;\n",
    )
    .unwrap();
    fs::write(dir.join("low/mod.rs"), "use crate::high::Thing;\n").unwrap();
    fs::write(dir.join("low/deep.rs"), "use super::super::high::Other;\n").unwrap();
    fs::write(dir.join("high.rs"), "use crate::low::Other;\n").unwrap();
    let arrows = upward_arrows(&dir);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(
        arrows,
        vec![
            (
                "low".to_owned(),
                "high".to_owned(),
                "low/deep.rs".to_owned()
            ),
            ("low".to_owned(), "high".to_owned(), "low/mod.rs".to_owned())
        ]
    );
}
