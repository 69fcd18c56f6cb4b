//! Reference data of the demo: the catalogue and its providers, trainers, addresses, the
//! officers' names, services and career goals, feedback comments, and the sessions' kinds.

use app::model::TrainingFormat;

pub(crate) struct TrainingSpec {
    pub(crate) title: &'static str,
    pub(crate) theme: &'static str,
    pub(crate) provider: &'static str,
    pub(crate) format: TrainingFormat,
    pub(crate) hours: i32,
    pub(crate) capacity: i32,
    pub(crate) fixed_eur: Option<i64>,
    pub(crate) seat_eur: Option<i64>,
    pub(crate) description: &'static str,
}

const fn spec(
    title: &'static str,
    theme: &'static str,
    provider: &'static str,
    format: TrainingFormat,
    (hours, capacity): (i32, i32),
    (fixed_eur, seat_eur): (Option<i64>, Option<i64>),
    description: &'static str,
) -> TrainingSpec {
    TrainingSpec {
        title,
        theme,
        provider,
        format,
        hours,
        capacity,
        fixed_eur,
        seat_eur,
        description,
    }
}

use TrainingFormat::{Distanciel as D, Hybride as H, Presentiel as P};

const VAUBAN: &str = "Institut Vauban Formation";
const LUMIERE: &str = "Cabinet Lumière Conseil";
const COLBERT: &str = "Académie Colbert du Management";
const TURGOT: &str = "Collège Turgot Finance";
const PORTALIS: &str = "Maison Portalis Droit des affaires";
const SULLY: &str = "Cercle Sully Gouvernance";
const MONTAIGNE: &str = "Atelier Montaigne Communication";
const LYAUTEY: &str = "Parcours Lyautey Coaching";
const ADA: &str = "Studio Ada Numérique";
const CARRIERES: &str = "Ressources & Carrières Conseil";

/// The catalogue; the last training is archived and has past sessions only.
pub(crate) const TRAININGS: [TrainingSpec; 25] = [
    spec(
        "Piloter une équipe de direction dans l'entreprise",
        "Management",
        COLBERT,
        P,
        (14, 12),
        (Some(4800), None),
        "Passer du commandement militaire au management d'un comité de direction : rôles, \
        délégation, arbitrages et conduite des réunions. Cas pratiques tirés d'entreprises \
        industrielles.",
    ),
    spec(
        "Conduite du changement et transformation des organisations",
        "Management",
        VAUBAN,
        H,
        (14, 14),
        (Some(3900), Some(150)),
        "Diagnostiquer une organisation, construire l'adhésion et piloter un projet de \
        transformation dans la durée. Outils de cartographie des acteurs et retours \
        d'expérience.",
    ),
    spec(
        "Management de projet : méthodes classiques et agiles",
        "Management",
        VAUBAN,
        D,
        (7, 20),
        (None, Some(290)),
        "Cycle en V, Scrum et Kanban : choisir la bonne méthode, planifier, suivre les risques \
        et rendre compte à un comité de pilotage.",
    ),
    spec(
        "Négociation commerciale et relation client grands comptes",
        "Management",
        LUMIERE,
        P,
        (14, 10),
        (Some(3600), None),
        "Préparer une négociation, comprendre les achats d'un grand compte et conclure un accord \
        durable. Mises en situation filmées et débriefées.",
    ),
    spec(
        "Lire et analyser les états financiers",
        "Finance",
        TURGOT,
        P,
        (21, 16),
        (Some(5400), Some(120)),
        "Bilan, compte de résultat et tableau de flux de trésorerie : les lire, calculer les \
        ratios essentiels et repérer les signaux d'alerte.",
    ),
    spec(
        "Contrôle de gestion et pilotage de la performance",
        "Finance",
        TURGOT,
        H,
        (14, 16),
        (None, Some(480)),
        "Construire un budget, suivre les écarts et concevoir des tableaux de bord utiles à la \
        décision, du service opérationnel à la direction générale.",
    ),
    spec(
        "Fusions, acquisitions et évaluation d'entreprise",
        "Finance",
        TURGOT,
        P,
        (14, 12),
        (Some(4200), Some(200)),
        "Méthodes d'évaluation, déroulement d'une opération de rapprochement, audit \
        d'acquisition et intégration post-fusion.",
    ),
    spec(
        "Finance pour dirigeants non financiers",
        "Finance",
        LUMIERE,
        D,
        (7, 20),
        (None, Some(350)),
        "Les notions financières indispensables pour dialoguer avec un directeur financier, un \
        banquier ou un investisseur.",
    ),
    spec(
        "Droit des sociétés pour futurs dirigeants",
        "Droit",
        PORTALIS,
        P,
        (14, 15),
        (Some(3800), None),
        "Formes sociales, pouvoirs et responsabilités des dirigeants, assemblées et pactes \
        d'associés, responsabilité civile et pénale.",
    ),
    spec(
        "Déontologie et reconversion des agents publics",
        "Droit",
        PORTALIS,
        D,
        (3, 20),
        (Some(900), None),
        "Contrôle déontologique des départs vers le secteur privé, prévention des conflits \
        d'intérêts et obligations après la cessation de fonctions.",
    ),
    spec(
        "Droit du travail : l'essentiel pour le manager",
        "Droit",
        PORTALIS,
        H,
        (7, 18),
        (None, Some(260)),
        "Contrat de travail, temps de travail, pouvoir disciplinaire et relations avec les \
        représentants du personnel : les règles que tout manager doit connaître.",
    ),
    spec(
        "Contrats publics et marchés de défense vus par l'industriel",
        "Droit",
        PORTALIS,
        P,
        (7, 14),
        (Some(2600), None),
        "Répondre à un appel d'offres, négocier et exécuter un marché de défense du côté du \
        titulaire : risques, pénalités et contentieux.",
    ),
    spec(
        "Le rôle de l'administrateur de société",
        "Gouvernance d'entreprise",
        SULLY,
        P,
        (21, 12),
        (Some(6900), Some(250)),
        "Missions et responsabilités du conseil d'administration, fonctionnement des comités, \
        relations avec la direction générale et les actionnaires.",
    ),
    spec(
        "Comités d'audit et gestion des risques",
        "Gouvernance d'entreprise",
        SULLY,
        P,
        (14, 10),
        (Some(4500), None),
        "Cartographie des risques, contrôle interne, relations avec les commissaires aux comptes \
        : siéger utilement dans un comité d'audit.",
    ),
    spec(
        "RSE et gouvernance durable",
        "Gouvernance d'entreprise",
        SULLY,
        D,
        (3, 20),
        (Some(800), None),
        "Obligations de reporting extra-financier, stratégie climat et attentes des parties \
        prenantes : ce que le conseil doit exiger.",
    ),
    spec(
        "Prise de parole en public et media training",
        "Communication",
        MONTAIGNE,
        P,
        (14, 8),
        (Some(4200), None),
        "Structurer un message, tenir une interview et répondre aux questions difficiles. \
        Exercices face caméra avec un journaliste.",
    ),
    spec(
        "Construire son réseau et son identité professionnelle en ligne",
        "Communication",
        MONTAIGNE,
        D,
        (3, 20),
        (None, Some(120)),
        "Rédiger un profil professionnel convaincant, traduire son parcours militaire pour des \
        recruteurs civils et animer son réseau.",
    ),
    spec(
        "Communication de crise en entreprise",
        "Communication",
        MONTAIGNE,
        H,
        (7, 12),
        (Some(2400), None),
        "Anticiper, organiser une cellule de crise et communiquer vers les salariés, les clients \
        et les médias. Simulation en temps réel.",
    ),
    spec(
        "Bilan de compétences et projet professionnel",
        "Coaching",
        LYAUTEY,
        P,
        (7, 6),
        (None, Some(650)),
        "Identifier ses compétences transférables, ses motivations et les secteurs cibles ; \
        formaliser un projet professionnel réaliste.",
    ),
    spec(
        "Leadership civil : du commandement à l'influence",
        "Coaching",
        LYAUTEY,
        P,
        (14, 10),
        (Some(3500), None),
        "Diriger sans autorité hiérarchique, convaincre des pairs et des actionnaires : ateliers \
        de codéveloppement entre officiers généraux.",
    ),
    spec(
        "Réussir ses entretiens de recrutement de dirigeant",
        "Coaching",
        LYAUTEY,
        H,
        (7, 8),
        (None, Some(420)),
        "Entretiens avec des chasseurs de têtes et des conseils d'administration : préparation, \
        simulations et retours individualisés.",
    ),
    spec(
        "Transformation numérique et intelligence artificielle pour dirigeants",
        "Numérique",
        ADA,
        H,
        (14, 20),
        (Some(3800), None),
        "Comprendre les technologies qui transforment les modèles d'affaires, évaluer un projet \
        d'IA et en maîtriser les risques.",
    ),
    spec(
        "Cybersécurité : la responsabilité du dirigeant",
        "Numérique",
        ADA,
        D,
        (7, 20),
        (Some(1800), None),
        "Menaces, obligations réglementaires et gouvernance de la sécurité numérique ; exercice \
        de gestion d'une attaque par rançongiciel.",
    ),
    spec(
        "Piloter les ressources humaines d'une PME",
        "Ressources humaines",
        CARRIERES,
        P,
        (14, 14),
        (None, Some(380)),
        "Recrutement, fidélisation, rémunération et gestion des compétences dans une entreprise \
        de 50 à 500 salariés.",
    ),
    spec(
        "Dialogue social et relations avec les partenaires sociaux",
        "Ressources humaines",
        CARRIERES,
        P,
        (7, 12),
        (Some(2200), None),
        "Instances représentatives du personnel, négociation collective et prévention des \
        conflits sociaux.",
    ),
];
/// Index of the archived training in `TRAININGS`.
pub(super) const ARCHIVED_TRAINING: usize = 24;

/// The variants of each training in the large data set (`seed --large`): 25 × 12 = 300.
pub(super) const TRAINING_VARIANTS: [&str; 12] = [
    "",
    " — initiation",
    " — perfectionnement",
    " — atelier pratique",
    " — parcours certifiant",
    " — séminaire de direction",
    " — études de cas",
    " — module intensif",
    " — retours d'expérience",
    " — mises en situation",
    " — session régionale",
    " — classe de dirigeants",
];

#[rustfmt::skip]
pub(super) const TRAINERS: [&str; 16] = [
    "Isabelle Marchand", "Philippe Garnier", "Nathalie Roux", "Olivier Chevalier",
    "Catherine Blanchard", "Laurent Mercier", "Hélène Fabre", "Stéphane Perrin", "Valérie Colin",
    "Thierry Gauthier", "Anne-Sophie Renaud", "Bruno Masson", "Émilie Picard", "François Lemaire",
    "Sandrine Aubert", "Éric Vidal",
];

/// Paris comes up more often than the regions, as it does in reality.
pub(super) const ADDRESSES: [&str; 10] = [
    "École militaire, 1 place Joffre, 75007 Paris",
    "Hexagone Balard, 60 boulevard du Général Martial Valin, 75015 Paris",
    "Institut Vauban Formation, 24 rue de la Boétie, 75008 Paris",
    "Cercle Sully, 47 rue de Lille, 75007 Paris",
    "Centre de conférences Ventadour, 12 rue de Ventadour, 75001 Paris",
    "École militaire, 1 place Joffre, 75007 Paris",
    "Maison des entrepreneurs, 8 quai Claude Bernard, 69007 Lyon",
    "Espace Colbert, 5 cours de l'Intendance, 33000 Bordeaux",
    "Campus Vauban, 2 rue du Général Leclerc, 35000 Rennes",
    "Pôle Méditerranée, 20 boulevard Notre-Dame, 13006 Marseille",
];

#[rustfmt::skip]
pub(super) const MALE_FIRST_NAMES: [&str; 50] = [
    "Marc", "Philippe", "Jean-Pierre", "Thierry", "Laurent", "Pascal", "Éric", "Olivier",
    "Christophe", "Patrick", "Bruno", "Hervé", "Denis", "Didier", "François", "Frédéric",
    "Stéphane", "Jean-Marc", "Arnaud", "Benoît", "Bertrand", "Emmanuel", "Gilles", "Hugues",
    "Jacques", "Jérôme", "Luc", "Michel", "Nicolas", "Rémi", "Sébastien", "Thibault", "Vincent",
    "Xavier", "Yves", "Alain", "Dominique", "Guillaume", "Henri", "Jean-Luc", "Loïc", "Mathieu",
    "Régis", "Christian", "Gérard", "Franck", "Cyril", "Edouard", "Tanguy", "Yann",
];
#[rustfmt::skip]
pub(super) const FEMALE_FIRST_NAMES: [&str; 10] = [
    "Anne", "Catherine", "Isabelle", "Valérie", "Nathalie", "Sylvie", "Florence", "Véronique",
    "Cécile", "Marie-Laure",
];
#[rustfmt::skip]
pub(super) const LAST_NAMES: [&str; 90] = [
    "Martin", "Petit", "Durand", "Leroy", "Simon", "Lefèvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont",
    "Lambert", "Bonnet", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller",
    "Henry", "Roussel", "Perrin", "Morin", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine",
    "Chevalier", "Robin", "Masson", "Nguyen", "Boyer", "Lemaire", "Duval", "Joly", "Roche", "Meyer",
    "Lucas", "Meunier", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun", "Dumas", "Brunet",
    "Schmitt", "Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland", "Caron", "Aubert",
    "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Lacroix",
    "Fabre", "Dupuis", "Hubert", "Rivière", "Le Gall", "Da Silva", "Moulin", "Berger", "Lecomte",
    "Ménard", "Fleury", "Deschamps", "Carpentier", "Prévost", "Poirier", "Charpentier", "Kervella",
];

/// An armée, the grades its general officers hold (commonest first) and how they are addressed.
pub(super) struct Service {
    pub(super) armee: &'static str,
    pub(super) grades: &'static [&'static str],
    pub(super) title: &'static str,
    pub(super) weight: u64,
}

pub(super) const SERVICES: [Service; 6] = [
    Service {
        armee: "Armée de Terre",
        grades: &[
            "Général de brigade",
            "Général de division",
            "Général de corps d'armée",
        ],
        title: "Général",
        weight: 40,
    },
    Service {
        armee: "Marine nationale",
        grades: &["Contre-amiral", "Vice-amiral", "Vice-amiral d'escadre"],
        title: "Amiral",
        weight: 15,
    },
    Service {
        armee: "Armée de l'Air et de l'Espace",
        grades: &[
            "Général de brigade aérienne",
            "Général de division aérienne",
            "Général de corps aérien",
        ],
        title: "Général",
        weight: 18,
    },
    Service {
        armee: "Gendarmerie nationale",
        grades: &[
            "Général de brigade",
            "Général de division",
            "Général de corps d'armée",
        ],
        title: "Général",
        weight: 15,
    },
    Service {
        armee: "Service de santé des armées",
        grades: &["Médecin général", "Médecin général inspecteur"],
        title: "Médecin général",
        weight: 6,
    },
    Service {
        armee: "Direction générale de l'armement",
        grades: &[
            "Ingénieur général de 2e classe",
            "Ingénieur général de 1re classe",
        ],
        title: "Ingénieur général",
        weight: 6,
    },
];

pub(super) const CAREER_GOALS: [&str; 14] = [
    "Administrateur indépendant dans l'industrie de défense",
    "Directeur de la sûreté d'un groupe industriel",
    "Dirigeant d'une PME de l'aéronautique",
    "Directeur général d'une fondation reconnue d'utilité publique",
    "Consultant indépendant en gestion de crise",
    "Directeur des opérations d'un groupe de logistique",
    "Directeur des ressources humaines d'une entreprise de taille intermédiaire",
    "Responsable des affaires publiques d'un groupe du secteur de l'énergie",
    "Directeur de la sécurité des systèmes d'information d'un opérateur d'importance vitale",
    "Membre de conseils d'administration d'entreprises de taille intermédiaire",
    "Créateur d'un cabinet de conseil en stratégie",
    "Directeur d'un établissement de santé privé",
    "Directeur de programme chez un maître d'œuvre industriel",
    "Délégué général d'une fédération professionnelle",
];

pub(super) const GOOD_COMMENTS: [&str; 6] = [
    "Formation dense et très concrète, directement utile pour mon projet.",
    "Excellent intervenant, nombreux cas pratiques tirés de la vie des entreprises.",
    "Les échanges entre participants ont été particulièrement riches.",
    "Très bonne introduction ; j'aurais aimé une demi-journée de plus.",
    "Supports clairs, que je réutiliserai pour préparer mes entretiens.",
    "Le regard d'un dirigeant civil sur nos habitudes de commandement m'a beaucoup apporté.",
];
pub(super) const MIXED_COMMENTS: [&str; 4] = [
    "Contenu intéressant mais trop théorique pour mon projet.",
    "Rythme un peu rapide sur la deuxième partie.",
    "Bonne formation, mais une partie des notions m'était déjà connue.",
    "Utile, même si les exemples concernaient surtout les grands groupes.",
];
pub(super) const POOR_COMMENTS: [&str; 3] = [
    "Le contenu ne correspondait pas au programme annoncé.",
    "Trop générale pour des participants ayant déjà une expérience de direction.",
    "Organisation perfectible : salle trop petite et démarrage tardif.",
];

/// What an upcoming session of the demo looks like; the position in `UPCOMING` fixes its date.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Past,
    Draft,
    Cancelled,
    /// Published, three free seats or more.
    Roomy,
    /// Published, exactly one free seat, no waitlist.
    OneLeft,
    /// Published and full, with this many officers waiting.
    Full(usize),
}

use Kind::{Cancelled as X, Draft as B, Full as F, OneLeft as O, Roomy as R};

/// Upcoming sessions from two days to six months ahead, in date order. The end-to-end tests
/// rely on the `OneLeft` ones (a month or more ahead) and on the full ones with a waitlist, and
/// book the first session the catalogue shows with free seats: the first ones, whose enrolment
/// deadline has passed, are therefore full.
#[rustfmt::skip]
pub(super) const UPCOMING: [Kind; 42] = [
    F(2), F(3), F(0), X, R, R, F(2), O, R, R, F(4), R, O, R, R, F(6), R, R, O, R, X, R, F(5), R, R, O,
    R, R, R, F(2), R, R, R, O, R, R, B, R, R, B, R, B,
];
pub(super) const PAST_SESSIONS: usize = 38;
pub(super) const HORIZON_DAYS: i64 = 180;
