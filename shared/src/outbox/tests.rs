use super::*;
use crate::memory::MemorySealer;

fn every_kind() -> Vec<EmailMessage<Secret>> {
    let url = || "https://portal.example/#/x".to_owned();
    vec![
        EmailMessage::Invitation {
            login_name: "Ann".into(),
            customer_name: "Acme".into(),
            accept_url: "https://portal.example/#/invite/tok-1".into(),
            expires_at: "2026-11-30T00:00:00.000Z".into(),
        },
        EmailMessage::TemporaryPassword {
            login_name: "Ann".into(),
            customer_name: "Acme".into(),
            temporary_password: "Tmp-Pass-2".into(),
            sign_in_url: url(),
        },
        EmailMessage::PasswordReset {
            login_name: "Ann".into(),
            customer_name: "Acme".into(),
            temporary_password: "Tmp-Pass-3".into(),
            sign_in_url: url(),
        },
        EmailMessage::EmailChange {
            login_name: "Ann".into(),
            confirm_url: "https://portal.example/#/email-change/tok-4".into(),
            expires_at: "2026-11-30T00:00:00.000Z".into(),
        },
        EmailMessage::OrderRequested {
            customer_name: "Acme".into(),
            login_name: "Ann".into(),
            order_number: "SO-000005".into(),
            total: "EUR 1.00".into(),
            line_count: 1,
            order_url: url(),
            summary: Default::default(),
            confirmed_by_rule: None,
        },
        EmailMessage::OrderDecided {
            login_name: "Ann".into(),
            order_number: "SO-000006".into(),
            confirmed: false,
            reason: Some("out of stock".into()),
            order_url: url(),
            summary: Default::default(),
        },
        EmailMessage::OrderPlacedForYou {
            customer_name: "Acme".into(),
            subject: "Your order".into(),
            message: "Thanks.".into(),
            order_number: "SO-000007".into(),
            total: "EUR 2.00".into(),
            line_count: 2,
            confirmed: true,
            order_url: url(),
            summary: Default::default(),
        },
        EmailMessage::OrderAcknowledged {
            login_name: "Ann".into(),
            customer_name: "Acme".into(),
            order_number: "SO-000008".into(),
            by_seller: false,
            order_url: url(),
            summary: Default::default(),
        },
        EmailMessage::OrderEdited {
            login_name: "Ann".into(),
            order_number: "SO-000009".into(),
            order_url: url(),
            summary: Default::default(),
        },
        EmailMessage::OrderCancelled {
            customer_name: "Acme".into(),
            login_name: "Ann".into(),
            by_seller: true,
            order_number: "SO-000010".into(),
            order_url: url(),
            summary: Default::default(),
        },
    ]
}

fn mailroom() -> Mailroom<MemorySealer> {
    Mailroom {
        portal: Portal::new("https://portal.example", 3600),
        sealer: MemorySealer::default(),
    }
}

fn ann() -> Email {
    Email::parse("ann@example.com").unwrap()
}

#[tokio::test]
async fn each_kind_of_email_seals_exactly_its_secret_fields_and_opens_to_itself() {
    for (i, message) in every_kind().into_iter().enumerate() {
        let mailroom = mailroom();
        let secret_fields = usize::from(i < 4);

        let item = mailroom
            .letter(ann(), message.clone(), Timestamp::now())
            .await
            .unwrap();
        let stored = serde_json::to_string(&item.message).unwrap();
        let opened = item.open(&mailroom.sealer).await.unwrap();

        let what = message.template();
        assert_eq!(mailroom.sealer.seals(), secret_fields, "{what}");
        assert_eq!(mailroom.sealer.opens(), secret_fields, "{what}");
        assert_eq!(stored.contains("sealed"), secret_fields == 1, "{what}");
        for secret in ["tok-1", "Tmp-Pass-2", "Tmp-Pass-3", "tok-4"] {
            assert!(!stored.contains(secret), "{what}: {stored}");
        }
        assert_eq!(opened.message, message, "{what}");
    }
}

#[tokio::test]
async fn a_secret_of_one_field_does_not_open_in_another() {
    let mailroom = mailroom();
    let reset = mailroom
        .letter(ann(), every_kind().remove(2), Timestamp::now())
        .await
        .unwrap();
    let EmailMessage::PasswordReset {
        temporary_password, ..
    } = reset.message.clone()
    else {
        unreachable!()
    };
    let mut swapped = reset.clone();
    swapped.message = EmailMessage::EmailChange {
        login_name: "Ann".into(),
        confirm_url: temporary_password,
        expires_at: "2026-11-30T00:00:00.000Z".into(),
    };

    let opened = swapped.open(&mailroom.sealer).await;

    assert!(matches!(opened, Err(OpenError::Refused(_))), "{opened:?}");
}
