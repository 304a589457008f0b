//! Every text the simulator prints on AWS's behalf, in one place.
//!
//! Each template names its mark in `shared/reference/fargate-failures.md`:
//! [V] verbatim from AWS docs or models, [C] verbatim from real output,
//! [I] inferred (no capture; kept plausible and consistent with the others).

use crate::world::concat;

// The texts written for every task (events, stopped reasons) are built with
// `concat` and `task_list` rather than `format!`: a crash-looping service
// writes them by the ten thousand, and `format!` grows its buffer piece by piece.

/// Service name as ECS prints it in events: `(service web)`.
fn svc(name: &str) -> String {
    concat(&["(service ", name, ")"])
}

/// `(task a) (task b)` appended to `out`.
fn task_list(out: &mut String, task_ids: &[String]) {
    out.reserve(task_ids.iter().map(|t| t.len() + 8).sum());
    for (i, t) in task_ids.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str("(task ");
        out.push_str(t);
        out.push(')');
    }
}

/// [C] §0 `(service X) has started N tasks: (task a) (task b).`
pub fn started_tasks(service: &str, task_ids: &[String]) -> String {
    let n = task_ids.len().to_string();
    let mut s = concat(&["(service ", service, ") has started ", &n, " tasks: "]);
    task_list(&mut s, task_ids);
    s.push('.');
    s
}

/// [C] §Further faults: replacement after an unhealthy stop.
pub fn started_tasks_replaced_unhealthy(
    service: &str,
    task_ids: &[String],
    replaced: usize,
) -> String {
    let base = started_tasks(service, task_ids);
    format!("{base} Amazon ECS replaced {replaced} tasks due to an unhealthy status.")
}

/// [C] §4 `(service X) has stopped N running tasks: (task <id>).`
pub fn stopped_running_tasks(service: &str, task_ids: &[String]) -> String {
    let n = task_ids.len().to_string();
    let mut s = concat(&[
        "(service ",
        service,
        ") has stopped ",
        &n,
        " running tasks: ",
    ]);
    task_list(&mut s, task_ids);
    s.push('.');
    s
}

/// [C] §0 `(service X) was unable to place a task. Reason: <stoppedReason>.`
pub fn unable_to_place(service: &str, reason: &str) -> String {
    concat(&[
        "(service ",
        service,
        ") was unable to place a task. Reason: ",
        reason.trim_end_matches('.'),
        ".",
    ])
}

/// [C] The reason a task cannot be placed when the account's Fargate
/// On-Demand vCPU quota (`L-3032A538`) has no room for it. Source: a real
/// service event quoted in full by flightcontrol.dev's troubleshooting page
/// "ECS Concurrent vCPU Limit": "(service production) was unable to place a
/// task. Reason: You've reached the limit on the number of vCPUs you can run
/// concurrently. For more information, see the Troubleshooting section of the
/// Amazon ECS Developer Guide." (the same words open RunTask's `failures[]`
/// reason, reference §2). It goes into [`unable_to_place`].
pub const VCPU_LIMIT: &str = "You've reached the limit on the number of vCPUs you can run concurrently. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";

/// [C] §0 after repeated failures. Said when the service throttle begins [V]
/// (ECS Developer Guide, "Amazon ECS service throttle logic": "If your service
/// initiates the throttle logic, you receive the following service event
/// message: (service service-name) is unable to consistently start tasks
/// successfully."); only launches that fail before RUNNING start it (see
/// `scheduler::launch_backoff`).
pub fn unable_to_consistently_start(service: &str) -> String {
    format!(
        "{} is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
        svc(service)
    )
}

/// [C] §3 trust policy: event when no task could be created.
pub fn failed_to_launch(service: &str, error: &str) -> String {
    format!(
        "{} failed to launch a task with (error {}).",
        svc(service),
        error
    )
}

/// [V] §Further faults `(service X) has reached a steady state.`
pub fn steady_state(service: &str) -> String {
    format!("{} has reached a steady state.", svc(service))
}

/// [C] §Further faults.
pub fn deployment_completed(service: &str, deployment: &str) -> String {
    format!(
        "{} (deployment {deployment}) deployment completed.",
        svc(service)
    )
}

/// [C] §Further faults.
pub fn deployment_failed(service: &str, deployment: &str) -> String {
    format!(
        "{} (deployment {deployment}) deployment failed: tasks failed to start.",
        svc(service)
    )
}

/// [C] §Further faults.
pub fn rolling_back(service: &str, deployment: &str) -> String {
    format!("{} rolling back to deployment {deployment}.", svc(service))
}

/// [C] §Further faults.
pub fn registered_targets(service: &str, n: usize, tg_arn: &str) -> String {
    let n = n.to_string();
    concat(&[
        "(service ",
        service,
        ") registered ",
        &n,
        " targets in (target-group ",
        tg_arn,
        ")",
    ])
}

/// [C] §Further faults.
pub fn deregistered_targets(service: &str, n: usize, tg_arn: &str) -> String {
    let n = n.to_string();
    concat(&[
        "(service ",
        service,
        ") deregistered ",
        &n,
        " targets in (target-group ",
        tg_arn,
        ")",
    ])
}

/// [C] quoted from real service events in issue 14 (not yet in
/// reference/fargate-failures.md): `(service X, taskSet ecs-svc/<id>) has
/// begun draining connections on N tasks.`, about ten seconds after "has stopped".
pub fn draining_connections(service: &str, task_set: &str, n: usize) -> String {
    let n = n.to_string();
    concat(&[
        "(service ",
        service,
        ", taskSet ",
        task_set,
        ") has begun draining connections on ",
        &n,
        " tasks.",
    ])
}

/// [C] §Further faults; the reason text is the target's description.
pub fn target_unhealthy(
    service: &str,
    task: &str,
    port: u16,
    tg_arn: &str,
    reason: &str,
) -> String {
    format!(
        "{} (task {task}) (port {port}) is unhealthy in (target-group {tg_arn}) due to (reason {reason}).",
        svc(service)
    )
}

/// [C] §Further faults.
pub fn container_health_failed(service: &str, task: &str) -> String {
    format!(
        "{} (task {task}) failed container health checks.",
        svc(service)
    )
}

/// [C] target description: `Health checks failed`.
pub const HEALTH_CHECKS_FAILED: &str = "Health checks failed";

/// [C] target description: `Request timed out`.
pub const REQUEST_TIMED_OUT: &str = "Request timed out";

/// [C] target description for a status-code mismatch.
pub fn health_check_codes(code: u16) -> String {
    format!("Health checks failed with these codes: [{code}]")
}

/// [I] target description with reason `Elb.RegistrationInProgress`.
pub const TARGET_REGISTERING: &str = "Target registration is in progress";

/// [I] target description with reason `Elb.InitialHealthChecking`.
pub const TARGET_INITIAL_CHECKS: &str = "Initial health checks in progress";

/// [I] target description with reason `Target.DeregistrationInProgress`.
pub const TARGET_DEREGISTERING: &str = "Target deregistration is in progress";

/// [V] rolloutStateReason while in progress.
pub fn rollout_in_progress(deployment: &str) -> String {
    format!("ECS deployment {deployment} in progress.")
}

/// [V] rolloutStateReason once completed.
pub fn rollout_completed(deployment: &str) -> String {
    format!("ECS deployment {deployment} completed.")
}

/// [V] rolloutStateReason after the circuit breaker tripped.
pub const ROLLOUT_CIRCUIT_BREAKER: &str = "ECS deployment circuit breaker: tasks failed to start.";

// ---- stoppedReason texts ----

/// [C] §0 scheduler stop during a deployment or scale-in.
pub fn scaling_activity(deployment: &str) -> String {
    concat(&[
        "Scaling activity initiated by (deployment ",
        deployment,
        ")",
    ])
}

/// [C] §0.
pub const STOPPED_BY_USER: &str = "Task stopped by user";

/// [C] §4.
pub const ESSENTIAL_CONTAINER_EXITED: &str = "Essential container in task exited";

/// [C] §4, container `reason` (Fargate spelling, lowercase "container").
pub const OOM_REASON: &str = "OutOfMemoryError: container killed due to memory usage";

/// [C] §Further faults.
pub fn elb_health_failed(tg_arn: &str) -> String {
    format!("Task failed ELB health checks in (target-group {tg_arn})")
}

/// [C] §Further faults.
pub const CONTAINER_HEALTH_FAILED: &str = "Task failed container health checks";

/// [C] §2, without public IP.
pub fn no_free_ip(subnet: &str) -> String {
    format!("Unexpected EC2 error while attempting to Create Network Interface in subnet '{subnet}': InsufficientFreeAddressesInSubnet")
}

/// [V heading] §2 with public IP; the error code suffix is [I], as the plain form.
pub fn no_free_ip_public(subnet: &str) -> String {
    format!("Unexpected EC2 error while attempting to Create Network Interface with public IP assignment enabled in subnet '{subnet}': InsufficientFreeAddressesInSubnet")
}

/// [C] §1 ECR auth through no network path.
pub fn ecr_auth_timeout(region: &str, ip: &str) -> String {
    concat(&["ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.", region, ".amazonaws.com/\": dial tcp ", ip, ":443: i/o timeout"])
}

/// [C] §1 Secrets Manager through no network path.
pub fn asm_timeout(secret_arn: &str) -> String {
    format!("ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secret from asm: There is a connection issue between the task and AWS Secrets Manager. Check your task network configuration. failed to fetch secret {secret_arn} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 0, RequestID: , canceled, context deadline exceeded.")
}

/// [C] §1 SSM through no network path.
pub const SSM_TIMEOUT: &str = "ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secrets from ssm: The task cannot pull secrets from AWS Systems Manager. There is a connection issue between the task and AWS Systems Manager Parameter Store. Check your task network configuration. operation error SSM: GetParameters, https response error StatusCode: 0, RequestID: , canceled, context deadline exceeded";

/// [C] §1 awslogs through no network path.
pub const LOGS_TIMEOUT: &str = "ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. signal: killed";

/// [C] §1 public registry (Docker Hub) through no network path.
pub fn public_pull_timeout(image: &str, tag: &str, ip: &str) -> String {
    format!("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/{image}:{tag}: failed to do request: Head \"https://registry-1.docker.io/v2/library/{image}/manifests/{tag}\": dial tcp {ip}:443: i/o timeout")
}

/// [I] ECR registry host unreachable after auth succeeded (shape of the public-registry form).
pub fn ecr_pull_timeout(registry: &str, repo: &str, tag: &str, ip: &str) -> String {
    format!("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {registry}/{repo}:{tag}: failed to do request: Head \"https://{registry}/v2/{repo}/manifests/{tag}\": dial tcp {ip}:443: i/o timeout")
}

/// [I] layers unreachable: ECR layers live in S3 (the `starport-layer-bucket`).
pub fn s3_layer_timeout(region: &str, ip: &str) -> String {
    format!("CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get \"https://prod-{region}-starport-layer-bucket.s3.{region}.amazonaws.com/\": dial tcp {ip}:443: i/o timeout")
}

/// The IAM denial tail, as AWS words it for an implicit or explicit deny.
fn denial(principal: &str, action: &str, resource: &str, explicit: bool) -> String {
    let why = if explicit {
        "with an explicit deny in an identity-based policy".to_string() // [V] IAM docs wording
    } else {
        format!("because no identity-based policy allows the {action} action")
    };
    format!(
        "User: {principal} is not authorized to perform: {action} on resource: {resource} {why}"
    )
}

/// `arn:aws:sts::<acct>:assumed-role/<Role>/<taskid>` [C] §3.
pub fn assumed_role(account: &str, role: &str, task_id: &str) -> String {
    concat(&[
        "arn:aws:sts::",
        account,
        ":assumed-role/",
        role,
        "/",
        task_id,
    ])
}

/// [C] §3 missing ecr:GetAuthorizationToken.
pub fn ecr_auth_denied(principal: &str, request_id: &str, explicit: bool) -> String {
    format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 1 time(s): operation error ECR: GetAuthorizationToken, https response error StatusCode: 400, RequestID: {request_id}, api error AccessDeniedException: {}",
        denial(principal, "ecr:GetAuthorizationToken", "*", explicit)
    )
}

/// [I for the Fargate form; agent prefix V] §3 missing ecr:BatchGetImage.
pub fn ecr_pull_denied(principal: &str, repo_arn: &str, explicit: bool) -> String {
    format!(
        "CannotPullContainerError: The task can’t pull the image. Check that the role has the permissions to pull images from the registry. {}",
        denial(principal, "ecr:BatchGetImage", repo_arn, explicit)
    )
}

/// [C] §3 missing logs:CreateLogStream.
pub fn create_stream_denied(
    principal: &str,
    stream_arn: &str,
    request_id: &str,
    explicit: bool,
) -> String {
    format!(
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: {} status code: 400, request id: {request_id} : exit status 1",
        denial(principal, "logs:CreateLogStream", stream_arn, explicit)
    )
}

/// [C] §3 awslogs-create-group without logs:CreateLogGroup; the prefix before
/// "failed to create" is [I], as the CreateLogStream form.
pub fn create_group_denied(
    principal: &str,
    group_arn: &str,
    request_id: &str,
    explicit: bool,
) -> String {
    format!(
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log group: AccessDeniedException: {} status code: 400, request id: {request_id} : exit status 1",
        denial(principal, "logs:CreateLogGroup", group_arn, explicit)
    )
}

/// [C] §3 missing secretsmanager:GetSecretValue.
pub fn asm_denied(principal: &str, secret_arn: &str, request_id: &str, explicit: bool) -> String {
    format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {secret_arn} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: {request_id}, api error AccessDeniedException: {}",
        denial(principal, "secretsmanager:GetSecretValue", secret_arn, explicit)
    )
}

/// [I] secret does not exist (Secrets Manager's ResourceNotFoundException text, in the §3 frame).
pub fn asm_not_found(secret_arn: &str, request_id: &str) -> String {
    format!("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {secret_arn} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: {request_id}, ResourceNotFoundException: Secrets Manager can't find the specified secret.")
}

/// The frame of a failed secret fetch from Secrets Manager, before the error
/// itself [C] §3 (`... unable to retrieve secret from asm: service call has
/// been retried 1 time(s): `).
const ASM_FRAME: &str = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): ";

/// [C] a JSON key the secret's value does not have. Seen verbatim in public
/// captures (a service event in a GitHub incident write-up: `... service call has
/// been retried 1 time(s): retrieved secret from Secrets Manager did not contain
/// json key app_definition_id.`; an EventBridge test fixture with the same text);
/// the inner text is amazon-ecs-agent `agent/asm/asm.go` [V].
pub fn asm_json_key_missing(key: &str) -> String {
    concat(&[
        ASM_FRAME,
        "retrieved secret from Secrets Manager did not contain json key ",
        key,
    ])
}

/// [C] a JSON key asked of a value that is not a JSON object: the agent
/// returns Go's `json.Unmarshal` error bare (rileydakota/valheim-ecs-fargate-cdk#9:
/// `... service call has been retried 1 time(s): invalid character '\'' looking
/// for beginning of value`). `go_error` comes from [`go_json_object_error`].
pub fn asm_not_json(go_error: &str) -> String {
    concat(&[ASM_FRAME, go_error])
}

/// What Go's `json.Unmarshal` into a `map[string]interface{}` says of `text`
/// (None: it decodes; `null` decodes to an empty map). The first-character and
/// type errors are Go's wording [V] (encoding/json); for deeper syntax errors
/// the position comes from a Rust parser and only approximates Go's [I].
pub fn go_json_object_error(text: &str) -> Option<String> {
    fn quote(c: char) -> String {
        match c {
            '\'' => "'\\''".to_string(),
            '"' => "'\"'".to_string(),
            c => format!("'{}'", c.escape_default()),
        }
    }
    let ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let body = text.trim_start_matches(ws);
    let Some(first) = body.chars().next() else {
        return Some("unexpected end of JSON input".into());
    };
    let parsed = serde_json::from_str::<serde_json::Value>(text);
    if let Ok(v) = &parsed {
        let kind = match v {
            serde_json::Value::Object(_) | serde_json::Value::Null => return None,
            serde_json::Value::String(_) => "string",
            serde_json::Value::Number(_) => "number",
            serde_json::Value::Array(_) => "array",
            serde_json::Value::Bool(_) => "bool",
        };
        return Some(format!(
            "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
        ));
    }
    if !(matches!(first, '{' | '[' | '"' | '-' | 't' | 'f' | 'n') || first.is_ascii_digit()) {
        return Some(format!(
            "invalid character {} looking for beginning of value",
            quote(first)
        ));
    }
    if first == '{' {
        if let Some(c) = body[1..].chars().find(|c| !ws(*c)) {
            if c != '"' && c != '}' {
                return Some(format!(
                    "invalid character {} looking for beginning of object key string",
                    quote(c)
                ));
            }
        }
    }
    // A complete value followed by more text: the longest prefix that is one
    // (secret texts are short; the scan is bounded).
    let ends: Vec<usize> = text
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take(4096)
        .collect();
    for &end in ends.iter().rev() {
        if serde_json::from_str::<serde::de::IgnoredAny>(&text[..end]).is_ok() {
            let c = text[end..]
                .trim_start_matches(ws)
                .chars()
                .next()
                .unwrap_or(' ');
            return Some(format!(
                "invalid character {} after top-level value",
                quote(c)
            ));
        }
    }
    match parsed {
        Err(e) if e.is_eof() => Some("unexpected end of JSON input".into()),
        Err(e) => {
            // The character where parsing failed [I].
            let line = text.lines().nth(e.line().saturating_sub(1)).unwrap_or(text);
            let c = line
                .chars()
                .nth(e.column().saturating_sub(1))
                .unwrap_or(first);
            Some(format!(
                "invalid character {} looking for beginning of value",
                quote(c)
            ))
        }
        Ok(_) => None,
    }
}

/// The version a `valueFrom` asks for does not exist. The body is Secrets
/// Manager's ResourceNotFoundException [C] (`Secrets Manager can't find the
/// specified secret value for staging label: AWSCURRENT`, captured in several
/// public repositories; the `VersionId:` form as moto reproduces it); the frame
/// is that of [`asm_not_found`] [I].
pub fn asm_version_not_found(
    secret_arn: &str,
    request_id: &str,
    stage: Option<&str>,
    version_id: Option<&str>,
) -> String {
    let what = match (version_id, stage) {
        (Some(id), _) => concat(&["VersionId: ", id]),
        (None, s) => concat(&["staging label: ", s.unwrap_or("AWSCURRENT")]),
    };
    format!("{ASM_FRAME}failed to fetch secret {secret_arn} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: {request_id}, ResourceNotFoundException: Secrets Manager can't find the specified secret value for {what}")
}

/// The execution role may call GetSecretValue but not `kms:Decrypt` on the
/// secret's customer managed key. Secrets Manager's answer is
/// `AccessDeniedException: Access to KMS is not allowed` [C]
/// (GiamPy5/terraform-aws-directus#10, a Fargate stopped reason in the older
/// SDK's frame; the same body in the SDK v2 frame, `api error
/// AccessDeniedException: Access to KMS is not allowed`, in another public
/// capture); here in the §3 frame of [`asm_denied`], so [I] as a whole.
pub fn asm_kms_denied(secret_arn: &str, request_id: &str) -> String {
    format!("{ASM_FRAME}failed to fetch secret {secret_arn} from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: {request_id}, api error AccessDeniedException: Access to KMS is not allowed")
}

/// `valueFrom` names a Secrets Manager ARN whose resource part is neither
/// `secret:NAME` nor `secret:NAME:json-key:version-stage:version-id`. The inner
/// text is amazon-ecs-agent `agent/taskresource/asmsecret/asmsecret.go` [V];
/// its frame on Fargate [I].
pub fn asm_invalid_arn(value_from: &str) -> String {
    format!("{ASM_FRAME}trying to retrieve secret with value {value_from} resulted in error: an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and try again.")
}

/// A SecureString encrypted with a customer managed key the execution role
/// may not use. KMS's AccessDeniedException as SSM relays it [C]
/// (aws/aws-cdk#4498: `AccessDeniedException: The ciphertext refers to a
/// customer master key that does not exist, does not exist in this region, or
/// you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error
/// Code: AccessDeniedException; Request ID: ...)`); in the SSM frame of
/// [`ssm_denied`] [I].
pub fn ssm_kms_denied(request_id: &str, kms_request_id: &str) -> String {
    format!("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): operation error SSM: GetParameters, https response error StatusCode: 400, RequestID: {request_id}, api error AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: {kms_request_id}; Proxy: null)")
}

/// [I] missing ssm:GetParameters (the §3 frame with SSM's operation).
pub fn ssm_denied(principal: &str, param_arn: &str, request_id: &str, explicit: bool) -> String {
    format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): operation error SSM: GetParameters, https response error StatusCode: 400, RequestID: {request_id}, api error AccessDeniedException: {}",
        denial(principal, "ssm:GetParameters", param_arn, explicit)
    )
}

/// [C] §3 missing SSM parameter.
pub fn ssm_missing(name: &str) -> String {
    format!("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: {name}")
}

/// [C] §5 log group missing without awslogs-create-group. [C] also for an
/// `awslogs-region` naming another region where the group is not (a task
/// definition hard-coded to us-east-2, hardfinhq/terraform-aws-tailscale-subnet-router#2).
pub const LOG_GROUP_MISSING: &str = "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1";

/// [C] §5 awslogs-region missing.
pub const LOG_REGION_MISSING: &str = "ResourceInitializationError: failed to validate logger args: unable to get awslogs driver arguments: awslogs-region is required";

/// [I] awslogs-group missing: the shape of [`LOG_REGION_MISSING`]; the logger
/// (aws/shim-loggers-for-containerd `args.go`, `getAWSLogsArgs`) asks for
/// `awslogs-group` first, then `awslogs-region`, each with `%s is required`.
pub const LOG_GROUP_OPTION_MISSING: &str = "ResourceInitializationError: failed to validate logger args: unable to get awslogs driver arguments: awslogs-group is required";

/// [C] `awslogs-region` naming no region (a real capture with the region
/// `undefined`, pulumi/pulumi-awsx#1279): the logs endpoint's name does not
/// resolve through the VPC's DNS server (`dns`, the VPC base + 2).
pub fn log_region_invalid(region: &str, dns: &str) -> String {
    format!("ResourceInitializationError: failed to validate logger args: create stream has been retried 7 times: failed to create Cloudwatch log stream: RequestError: send request failed caused by: Post \"https://logs.{region}.amazonaws.com/\": dial tcp: lookup logs.{region}.amazonaws.com on {dns}:53: no such host : exit status 1")
}

/// [C] §Further faults tag missing; [I] for a missing repository.
pub fn image_not_found(registry: &str, repo: &str, tag: &str) -> String {
    format!("CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref {registry}/{repo}:{tag}: not found")
}

/// [C] §Further faults image index without the platform.
pub fn platform_mismatch(platform: &str) -> String {
    format!("CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform '{platform}'")
}

/// [C] §Further faults image larger than ephemeral storage.
pub fn no_space(digest_hex: &str, snapshot: u32, path: &str) -> String {
    format!("CannotPullContainerError: ref pull has been retried 1 time(s): failed to extract layer sha256:{digest_hex}: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/{snapshot}/fs/{path}: no space left on device: unknown")
}

/// [C] §Further faults wrong CPU architecture, container log line.
pub fn exec_format_error(entrypoint: &str) -> String {
    format!("exec {entrypoint}: exec format error")
}

// ---- API errors (RegisterTaskDefinition, RunTask, CreateService) ----

/// [C] §3 RunTask / service launch when the execution role cannot be assumed.
pub fn unable_to_assume(role_arn: &str) -> String {
    format!("ECS was unable to assume the role '{role_arn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.")
}

/// [C] §3 awslogs without an execution role.
pub const AWSLOGS_NEEDS_EXECUTION_ROLE: &str =
    "Fargate requires task definition to have execution role ARN to support log driver awslogs.";

/// [C] awslogs on Fargate without `awslogs-stream-prefix`, at
/// RegisterTaskDefinition (a ClientException CloudFormation showed,
/// aws/aws-cdk#1422); a misspelt key is the same, as the option is absent.
pub const AWSLOGS_NEEDS_STREAM_PREFIX: &str = "Fargate requires log configuration options to include awslogs-stream-prefix to support log driver awslogs.";

/// [C] §Further faults invalid CPU/memory pair.
pub fn no_fargate_configuration(cpu: &str, memory: &str) -> String {
    format!("No Fargate configuration exists for given values: {cpu} CPU, {memory} memory")
}
