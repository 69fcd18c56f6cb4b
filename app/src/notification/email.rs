//! The emails: a notification's, and the « Mot de passe oublié ? » link's. Plain text and a
//! simple HTML body in the colours of the DSFR, with one button; a notification's says how to
//! stop its kind of email. HTML is rendered by Leptos, which escapes every text.

use super::service::Notice;
use leptos::prelude::*;

pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The foot of a notification's email: why it came, and the link that stops its kind.
struct Foot {
    reason: String,
    stop_link: String,
}

/// The HTML of every email: the Cassiopée band, the greeting, the title, the paragraphs, the
/// button, and the foot when there is one.
fn html(
    name: &str,
    title: &str,
    paragraphs: Vec<String>,
    link: &str,
    button: &'static str,
    foot: Option<Foot>,
) -> String {
    let title = title.to_owned();
    let link = link.to_owned();
    let html = view! {
        <html lang="fr">
            <head>
                <meta charset="utf-8"/>
                <title>{title.clone()}</title>
            </head>
            <body style="margin:0;padding:0;background:#f6f6f6;font-family:Marianne,Arial,sans-serif;color:#161616">
                <div style="max-width:600px;margin:0 auto;background:#ffffff">
                    <div style="border-bottom:4px solid #000091;padding:16px 24px">
                        <strong style="font-size:18px">"Cassiopée"</strong>
                        <span style="color:#666666">" – MiRVOG, ministère des Armées"</span>
                    </div>
                    <div style="padding:24px">
                        <p>{format!("Bonjour {name},")}</p>
                        <h1 style="font-size:22px;line-height:1.3;margin:16px 0">{title}</h1>
                        {paragraphs.into_iter().map(|p| view! { <p style="line-height:1.5">{p}</p> }).collect_view()}
                        <p style="margin:24px 0">
                            <a href=link style="background:#000091;color:#ffffff;padding:12px 20px;text-decoration:none;display:inline-block">{button}</a>
                        </p>
                    </div>
                    {foot.map(|f| view! {
                        <div style="padding:16px 24px;border-top:1px solid #dddddd;font-size:12px;color:#666666">
                            <p>{f.reason}</p>
                            <p><a href=f.stop_link style="color:#000091">"Ne plus recevoir ce type de message"</a></p>
                        </div>
                    })}
                </div>
            </body>
        </html>
    }
    .to_html();
    format!("<!DOCTYPE html>{html}")
}

pub fn compose(n: &Notice, name: &str, base: &str) -> Mail {
    let link = format!("{base}{}", n.link);
    // One click (after login) turns off this kind of email.
    let preferences = format!("{base}/profil?desabonner={}#preferences", n.kind.code());
    let kind = n.kind.label();
    let text = format!(
        "Bonjour {name},\n\n{title}\n\n{body}\n\nOuvrir dans Cassiopée : {link}\n\n-- \nCassiopée – MiRVOG, ministère des Armées.\nVous recevez ce courriel car les messages « {kind} » sont activés dans votre profil. Pour ne plus les recevoir : {preferences}\n",
        title = n.title,
        body = n.body,
    );
    let paragraphs: Vec<String> = n.body.split("\n\n").map(str::to_owned).collect();
    let foot = Foot {
        reason: format!(
            "Vous recevez ce courriel car les messages « {kind} » sont activés dans votre profil."
        ),
        stop_link: preferences,
    };
    Mail {
        subject: format!("[Cassiopée] {}", n.title),
        text,
        html: html(
            name,
            &n.title,
            paragraphs,
            &link,
            "Ouvrir dans Cassiopée",
            Some(foot),
        ),
    }
}

/// The email of a « Mot de passe oublié ? » link (`auth::reset`): no notification kind, so no
/// unsubscribe link; it says what to do if the request was not the reader's.
pub fn compose_reset(name: &str, link: &str) -> Mail {
    let title = "Choisir un nouveau mot de passe";
    let lines = [
        "Une demande de nouveau mot de passe a été faite pour votre compte Cassiopée.",
        "Le lien ci-dessous est valable une heure et ne sert qu'une fois. Une fois le nouveau mot de passe choisi, vos autres sessions ouvertes sont fermées.",
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce courriel : votre mot de passe actuel reste valable.",
    ];
    let text = format!(
        "Bonjour {name},\n\n{title}\n\n{}\n\nChoisir un nouveau mot de passe : {link}\n\n-- \nCassiopée – MiRVOG, ministère des Armées.\n",
        lines.join("\n\n")
    );
    let paragraphs = lines.iter().map(|l| (*l).to_owned()).collect();
    Mail {
        subject: format!("[Cassiopée] {title}"),
        text,
        html: html(
            name,
            title,
            paragraphs,
            link,
            "Choisir un nouveau mot de passe",
            None,
        ),
    }
}
