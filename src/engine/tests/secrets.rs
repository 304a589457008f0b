//! Secrets and parameters the agent fetches with the execution role: JSON
//! keys, version stages and ids, customer managed KMS keys, and ARNs of
//! another region. Each fault with its exact stopped reason and service
//! event, and the fix that heals it.

use super::*;

/// The base account with KMS keys, secrets and parameters, and the `web`
/// container reading `refs` (`(env name, valueFrom)`). The execution role may
/// read every secret and parameter under `app/` in any region, nothing more.
fn with_secrets(refs: &[(&str, &str)]) -> String {
    let stores = r#"kms_keys:
  - {alias: app-secrets, description: "Customer key for ${account} app secrets in ${region}"}
secrets:
  - {name: app/db, keys: [username, password], previous_keys: [username, pass], description: "app database (${region})"}
  - {name: app/token, text: "s3cr3t-token-value"}
  - {name: app/cmk, keys: [api_key], kms_key: app-secrets}
  - {name: app/east, keys: [password], region: us-east-1}
parameters:
  - {name: /app/url, type: String}
  - {name: /app/signing-key, type: SecureString, kms_key: alias/app-secrets}
  - {name: /app/east-url, type: String, region: us-east-1}
log_groups:"#;
    let yaml = tweak(BASE, "log_groups:", stores);
    let yaml = tweak(
        &yaml,
        "    managed: [AmazonECSTaskExecutionRolePolicy]\n",
        r#"    managed: [AmazonECSTaskExecutionRolePolicy]
    inline:
      app-config:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "arn:aws:secretsmanager:*:${account}:secret:app/*"}
          - {Effect: Allow, Action: ssm:GetParameters, Resource: "arn:aws:ssm:*:${account}:parameter/app/*"}
"#,
    );
    let mut lines = String::from("        secrets:\n");
    for (n, v) in refs {
        lines.push_str(&format!("          - {{name: {n}, valueFrom: \"{v}\"}}\n"));
    }
    tweak(
        &yaml,
        "        memory: 256\n",
        &format!("        memory: 256\n{lines}"),
    )
}

const FRAME: &str = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): ";

/// The one fault: the first stopped task failed to start with `reason`, and the
/// service's event repeats it.
fn assert_stops_with(sim: &mut Sim, reason: &str) -> Task {
    let t = run_to_first_stop(sim, 5 * MINUTE);
    assert_failed_to_start(&t, reason);
    // The event ends the reason with one full stop.
    let event = format!(
        "(service web) was unable to place a task. Reason: {}.",
        reason.trim_end_matches('.')
    );
    assert!(
        has_event(sim, &event),
        "no event for {reason}: {:#?}",
        events(sim)
    );
    t
}

/// Runs until the service is steady with its one task running.
fn assert_heals(sim: &mut Sim) {
    let healed = run_until(sim, 15 * MINUTE, |s| {
        s.steady_since("test", "web").is_some()
            && s.world
                .tasks
                .values()
                .any(|t| t.last_status == TaskStatus::Running)
    });
    assert!(healed, "not healed; events: {:#?}", events(sim));
}

/// Registers `web` again with one secret and deploys it.
fn redeploy_with_secret(sim: &mut Sim, env: &str, value_from: &str) {
    let exec = name(sim, "role:exec");
    let repo = sim.world.repositories["web"].uri.clone();
    apply(
        sim,
        &format!(
            r#"ecs register-task-definition --family web --cpu 256 --memory 512 --execution-role-arn {exec} --network-mode awsvpc --requires-compatibilities FARGATE --container-definitions '[{{"name":"web","image":"{repo}:v1","memory":256,"portMappings":[{{"containerPort":8080}}],"secrets":[{{"name":"{env}","valueFrom":"{value_from}"}}],"logConfiguration":{{"logDriver":"awslogs","options":{{"awslogs-group":"/ecs/web","awslogs-region":"eu-west-1","awslogs-stream-prefix":"ecs"}}}}}}]'"#
        ),
    );
    apply(
        sim,
        "ecs update-service --cluster test --service web --task-definition web",
    );
}

#[test]
fn json_keys_present_and_absent() {
    // Both keys the value has resolve: the service starts.
    let arn = {
        let sim = sim_of(&with_secrets(&[]), SEED);
        name(&sim, "secret:app/db")
    };
    let good = format!("{arn}:password::");
    let mut sim = sim_of(&with_secrets(&[("DB_PASSWORD", &good)]), SEED);
    assert_heals(&mut sim);

    // A key the value lacks stops the task, naming the key.
    let bad = format!("{arn}:db_password::");
    let mut sim = sim_of(&with_secrets(&[("DB_PASSWORD", &bad)]), SEED);
    let t = assert_stops_with(
        &mut sim,
        &format!(
            "{FRAME}retrieved secret from Secrets Manager did not contain json key db_password"
        ),
    );
    assert_eq!(
        t.stop_cause,
        Some(StopCause::SecretKeyMissing {
            secret: "app/db".into(),
            key: "db_password".into()
        })
    );
    // The fix: a revision naming the key that exists.
    redeploy_with_secret(&mut sim, "DB_PASSWORD", &good);
    assert_heals(&mut sim);
}

#[test]
fn json_key_of_a_value_that_is_not_json() {
    let arn = name(&sim_of(&with_secrets(&[]), SEED), "secret:app/token");
    // Without a key the plain value is injected as it is.
    let mut sim = sim_of(&with_secrets(&[("TOKEN", &arn)]), SEED);
    assert_heals(&mut sim);
    let keyed = format!("{arn}:token::");
    let mut sim = sim_of(&with_secrets(&[("TOKEN", &keyed)]), SEED);
    let t = assert_stops_with(
        &mut sim,
        &format!("{FRAME}invalid character 's' looking for beginning of value"),
    );
    assert_eq!(
        t.stop_cause,
        Some(StopCause::SecretNotJson {
            secret: "app/token".into()
        })
    );
    redeploy_with_secret(&mut sim, "TOKEN", &arn);
    assert_heals(&mut sim);
}

#[test]
fn go_json_errors() {
    use crate::engine::messages::go_json_object_error as e;
    assert_eq!(e(r#"{"a":1}"#), None);
    assert_eq!(e("null"), None);
    assert_eq!(
        e("hunter2").as_deref(),
        Some("invalid character 'h' looking for beginning of value")
    );
    assert_eq!(
        e("'x'").as_deref(),
        Some("invalid character '\\'' looking for beginning of value")
    );
    assert_eq!(
        e("{username: a}").as_deref(),
        Some("invalid character 'u' looking for beginning of object key string")
    );
    assert_eq!(
        e(r#""abc""#).as_deref(),
        Some("json: cannot unmarshal string into Go value of type map[string]interface {}")
    );
    assert_eq!(
        e("12345").as_deref(),
        Some("json: cannot unmarshal number into Go value of type map[string]interface {}")
    );
    assert_eq!(
        e("123abc").as_deref(),
        Some("invalid character 'a' after top-level value")
    );
    assert_eq!(e("").as_deref(), Some("unexpected end of JSON input"));
    assert_eq!(
        e(r#"{"a":"#).as_deref(),
        Some("unexpected end of JSON input")
    );
}

#[test]
fn version_stages_and_ids() {
    let sim0 = sim_of(&with_secrets(&[]), SEED);
    let arn = name(&sim0, "secret:app/db");
    let previous = sim0.world.secrets["app/db"].versions[1].id.clone();
    // AWSPREVIOUS exists (the rotation kept it) and has `pass`.
    let mut sim = sim_of(
        &with_secrets(&[("P", &format!("{arn}:pass:AWSPREVIOUS:"))]),
        SEED,
    );
    assert_heals(&mut sim);
    // The same version by id.
    let mut sim = sim_of(
        &with_secrets(&[("P", &format!("{arn}:pass::{previous}"))]),
        SEED,
    );
    assert_heals(&mut sim);
    // A stage no version carries.
    let mut sim = sim_of(
        &with_secrets(&[("P", &format!("{arn}:password:AWSPENDING:"))]),
        SEED,
    );
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    let rid = between(&reason, "RequestID: ", ",");
    assert_uuid(rid);
    let expected = format!("{FRAME}failed to fetch secret {arn} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: {rid}, ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSPENDING");
    assert_failed_to_start(&t, &expected);
    assert!(has_event(&sim, &unable_to_place(&expected)));
    assert_eq!(
        t.stop_cause,
        Some(StopCause::SecretVersionMissing {
            secret: "app/db".into(),
            version: "AWSPENDING".into()
        })
    );
    // A version id that does not exist.
    let nope = "0b1c2d3e-4f50-4a6b-8c7d-8e9f00112233";
    let mut sim = sim_of(
        &with_secrets(&[("P", &format!("{arn}:password::{nope}"))]),
        SEED,
    );
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    assert!(
        reason.ends_with(&format!(
            "Secrets Manager can't find the specified secret value for VersionId: {nope}"
        )),
        "{reason}"
    );
    // A malformed ARN (three fields after the name) is refused by the agent.
    let bad = format!("{arn}:password:AWSCURRENT");
    let mut sim = sim_of(&with_secrets(&[("P", &bad)]), SEED);
    assert_stops_with(
        &mut sim,
        &format!("{FRAME}trying to retrieve secret with value {bad} resulted in error: an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and try again."),
    );
}

#[test]
fn customer_managed_key_needs_kms_decrypt() {
    let sim0 = sim_of(&with_secrets(&[]), SEED);
    let arn = name(&sim0, "secret:app/cmk");
    let key = name(&sim0, "kms:app-secrets");
    assert!(key.starts_with(&format!(
        "arn:aws:kms:eu-west-1:{}:key/",
        sim0.world.account
    )));
    // The AWS managed key (app/db) needs no grant; the customer key does.
    let with_key = format!("{arn}:api_key::");
    let mut sim = sim_of(&with_secrets(&[("API_KEY", &with_key)]), SEED);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    let rid = between(&reason, "RequestID: ", ",");
    assert_uuid(rid);
    let expected = format!("{FRAME}failed to fetch secret {arn} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: {rid}, api error AccessDeniedException: Access to KMS is not allowed");
    assert_failed_to_start(&t, &expected);
    assert!(has_event(&sim, &unable_to_place(&expected)));
    assert_eq!(
        t.stop_cause,
        Some(StopCause::IamDenied {
            role: "exec".into(),
            action: "kms:Decrypt".into(),
            resource: key.clone(),
        })
    );
    // A grant on another key does not help; on this key it heals.
    let acct = sim.world.account.clone();
    put_inline(
        &mut sim,
        "decrypt-other",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:eu-west-1:{acct}:key/00000000-0000-4000-8000-000000000000"}}]}}"#
        ),
    );
    run(&mut sim, 2 * MINUTE);
    assert!(sim.steady_since("test", "web").is_none());
    put_inline(
        &mut sim,
        "decrypt-app-secrets",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"kms:Decrypt","Resource":"{key}"}}]}}"#
        ),
    );
    assert_heals(&mut sim);
}

#[test]
fn secure_string_with_customer_key_needs_kms_decrypt() {
    let mut sim = sim_of(&with_secrets(&[("SIGNING_KEY", "/app/signing-key")]), SEED);
    let key = name(&sim, "kms:app-secrets");
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    let rid = between(&reason, "RequestID: ", ",");
    let kms_rid = between(&reason, "Request ID: ", ";");
    assert_uuid(rid);
    assert_uuid(kms_rid);
    let expected = format!("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): operation error SSM: GetParameters, https response error StatusCode: 400, RequestID: {rid}, api error AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: {kms_rid}; Proxy: null)");
    assert_failed_to_start(&t, &expected);
    assert!(has_event(&sim, &unable_to_place(&expected)));
    assert!(
        matches!(&t.stop_cause, Some(StopCause::IamDenied { action, resource, .. }) if action == "kms:Decrypt" && *resource == key)
    );
    put_inline(
        &mut sim,
        "decrypt",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"kms:Decrypt","Resource":"{key}"}}]}}"#
        ),
    );
    assert_heals(&mut sim);
}

#[test]
fn arns_of_another_region_are_fetched_there() {
    let sim0 = sim_of(&with_secrets(&[]), SEED);
    let acct = sim0.world.account.clone();
    // A secret that lives in us-east-1 is read there (through the NAT gateway).
    let east = name(&sim0, "secret:app/east");
    assert!(east.starts_with(&format!(
        "arn:aws:secretsmanager:us-east-1:{acct}:secret:app/east-"
    )));
    let mut sim = sim_of(&with_secrets(&[("P", &format!("{east}:password::"))]), SEED);
    assert_heals(&mut sim);
    // app/db lives in eu-west-1: its name under us-east-1 is not found, and the
    // text names the ARN's region.
    let db = name(&sim0, "secret:app/db");
    let db_east = db.replace(":eu-west-1:", ":us-east-1:");
    let mut sim = sim_of(&with_secrets(&[("P", &db_east)]), SEED);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    let rid = between(&reason, "RequestID: ", ",");
    assert_failed_to_start(&t, &format!("{FRAME}failed to fetch secret {db_east} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: {rid}, ResourceNotFoundException: Secrets Manager can't find the specified secret."));
    // The same for a parameter: /app/url exists in eu-west-1 only.
    let url_east = format!("arn:aws:ssm:us-east-1:{acct}:parameter/app/url");
    let mut sim = sim_of(&with_secrets(&[("URL", &url_east)]), SEED);
    assert_stops_with(
        &mut sim,
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /app/url",
    );
    // A parameter that lives in us-east-1: by its ARN it is found there; by its
    // bare name the task looks in its own region, where it is not.
    let east_url = name(&sim0, "param:/app/east-url");
    assert_eq!(
        east_url,
        format!("arn:aws:ssm:us-east-1:{acct}:parameter/app/east-url")
    );
    let mut sim = sim_of(&with_secrets(&[("URL", &east_url)]), SEED);
    assert_heals(&mut sim);
    let mut sim = sim_of(&with_secrets(&[("URL", "/app/east-url")]), SEED);
    assert_stops_with(
        &mut sim,
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /app/east-url",
    );
    // A denial names the ARN the task definition gave, in its region.
    let other = format!("arn:aws:ssm:us-east-1:{acct}:parameter/other/url");
    let mut sim = sim_of(&with_secrets(&[("URL", &other)]), SEED);
    let t = run_to_first_stop(&mut sim, 5 * MINUTE);
    let reason = t.stopped_reason.clone().unwrap_or_default();
    assert!(
        reason.contains(&format!(
            "is not authorized to perform: ssm:GetParameters on resource: {other} because"
        )),
        "{reason}"
    );
}
