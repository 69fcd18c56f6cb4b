//! The `cassiopee` binary as an operator runs it (product §7): a plain `serve` on a new
//! database creates no account, so the published demo password opens nothing; demo data comes
//! only from `seed --demo`, and while its accounts exist every start says so.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cassiopee");

/// A throwaway folder with a SQLite database and an email folder.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cassiopee_serve_{name}_{}_{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn command(dir: &PathBuf, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/cassiopee.sqlite?mode=rwc", dir.display()),
        )
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("CASSIOPEE_MAIL_DIR", dir.join("courriels"))
        .env("RUST_LOG", "info")
        .env_remove("CASSIOPEE_DEMO");
    c
}

/// A running server: its address, and everything it printed so far.
struct Server {
    child: Child,
    addr: String,
    output: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &PathBuf) -> Server {
    let mut child = command(dir, &["serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cassiopee serve");
    let (tx, rx) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let mut output = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            let addr = line
                .split("écoute sur http://")
                .nth(1)
                .map(|a| a.trim().to_owned());
            output.push(line);
            if let Some(addr) = addr {
                return Server {
                    child,
                    addr,
                    output,
                };
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start:\n{}", output.join("\n"));
}

/// A login as a script would post it; returns the status line.
fn login(addr: &str, email: &str, password: &str) -> String {
    let body = format!("email={email}&password={password}&next=");
    let request = format!(
        "POST /api/connexion HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn a_plain_serve_creates_no_account_and_the_demo_password_opens_nothing() {
    let dir = workdir("plain");
    let server = serve(&dir);
    let status = login(&server.addr, "admin@mirvog.demo", "Cassiopee2026!");
    assert!(
        status.contains("422"),
        "the demo administrator must not exist: {status}"
    );
    assert!(
        !server.output.iter().any(|l| l.contains("mirvog.demo")),
        "no demo account to warn about:\n{}",
        server.output.join("\n")
    );
}

#[test]
fn demo_data_comes_from_seed_and_every_start_warns_about_it() {
    let dir = workdir("seeded");
    let seeded = command(&dir, &["seed", "--demo"]).output().unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    let server = serve(&dir);
    let warning = server
        .output
        .iter()
        .find(|l| l.contains("Comptes de démonstration actifs"))
        .unwrap_or_else(|| panic!("a warning at start:\n{}", server.output.join("\n")));
    assert!(warning.contains("admin@mirvog.demo"), "{warning}");
    assert!(
        warning.contains("et 120 autre(s) @mirvog.demo"),
        "the generated officers share the password: {warning}"
    );
    let status = login(&server.addr, "admin@mirvog.demo", "Cassiopee2026!");
    assert!(
        status.contains("200"),
        "the demo works when asked for: {status}"
    );
}
