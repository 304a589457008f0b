//! Expected strings are what AWS CLI v2's formatter code (formatter.py,
//! text.py, table.py, jmespath 1.0) prints for the same data.

use super::python::py_float;
use super::*;
use serde_json::json;

fn subnets() -> Value {
    json!({"Subnets": [{"SubnetId": "subnet-1", "AvailableIpAddressCount": 0}]})
}

fn subnets2() -> Value {
    json!({"Subnets": [
        {"SubnetId": "subnet-0a1", "CidrBlock": "10.0.1.0/28", "AvailableIpAddressCount": 0,
         "Tags": [{"Key": "Name", "Value": "private-a"}]},
        {"SubnetId": "subnet-0b2", "CidrBlock": "10.0.2.0/24", "AvailableIpAddressCount": 249}
    ]})
}

fn tasks() -> Value {
    json!({"tasks": [
            {"taskArn": "arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e", "lastStatus": "STOPPED",
             "cpu": "256", "version": 4, "stoppedReason": "Essential container in task exited",
             "containers": [
                 {"name": "web", "exitCode": 137,
                  "reason": "OutOfMemoryError: Container killed due to memory usage"},
                 {"name": "log-router", "exitCode": 0}],
             "overrides": {"containerOverrides": []}},
            {"taskArn": "arn:aws:ecs:us-east-1:111122223333:task/prod/9a8b", "lastStatus": "PROVISIONING",
             "cpu": "512", "version": 1,
             "stoppedReason": "ResourceInitializationError: unable to pull secrets",
             "containers": [{"name": "web"}], "overrides": {}}],
         "failures": []})
}

fn ok(value: &Value, query: Option<&str>, output: Output) -> String {
    let title = if value.get("tasks").is_some() {
        "DescribeTasks"
    } else {
        "DescribeSubnets"
    };
    render(value, query, output, title).expect("renders")
}

fn err(value: &Value, query: &str) -> String {
    render(value, Some(query), Output::Json, "DescribeTasks")
        .expect_err("fails")
        .to_string()
}

#[test]
fn json_is_indented_by_four_in_the_response_key_order() {
    let expected = r#"{
    "Subnets": [
        {
            "SubnetId": "subnet-1",
            "AvailableIpAddressCount": 0
        }
    ]
}
"#;
    assert_eq!(ok(&subnets(), None, Output::Json), expected);
    let value = json!({"b": [], "a": {}, "c": "caf\u{e9} \"q\"\t", "d": null, "e": true, "f": 1.5});
    let expected = "{\n    \"b\": [],\n    \"a\": {},\n    \"c\": \"caf\u{e9} \\\"q\\\"\\t\",\n    \"d\": null,\n    \"e\": true,\n    \"f\": 1.5\n}\n";
    assert_eq!(ok(&value, None, Output::Json), expected);
}

#[test]
fn json_prints_nothing_for_an_empty_object_and_null_for_a_missing_key() {
    assert_eq!(ok(&json!({}), None, Output::Json), "");
    assert_eq!(ok(&tasks(), Some("tasks[1].overrides"), Output::Json), "");
    assert_eq!(ok(&tasks(), Some("nope"), Output::Json), "null\n");
    assert_eq!(ok(&tasks(), Some("nope"), Output::Text), "None\n");
    assert_eq!(ok(&tasks(), Some("nope"), Output::Table), "");
    assert_eq!(ok(&tasks(), Some("failures"), Output::Json), "[]\n");
    assert_eq!(ok(&tasks(), Some("failures"), Output::Text), "");
}

#[test]
fn numbers_strings_and_scalars_from_a_query() {
    let q = Some("tasks[0].containers[0].exitCode");
    assert_eq!(ok(&tasks(), q, Output::Json), "137\n");
    assert_eq!(ok(&tasks(), q, Output::Text), "137\n");
    assert_eq!(ok(&subnets(), Some("length(Subnets)"), Output::Json), "1\n");
    assert_eq!(ok(&subnets(), Some("length(Subnets)"), Output::Text), "1\n");
    let q = Some("Subnets[].AvailableIpAddressCount");
    assert_eq!(ok(&subnets(), q, Output::Json), "[\n    0\n]\n");
    assert_eq!(ok(&subnets(), q, Output::Text), "0\n");
    assert_eq!(
        ok(&tasks(), Some("tasks[0].lastStatus"), Output::Json),
        "\"STOPPED\"\n"
    );
    assert_eq!(
        ok(&tasks(), Some("tasks[0].lastStatus"), Output::Text),
        "STOPPED\n"
    );
}

#[test]
fn table_of_a_list_of_objects_under_the_operation_title() {
    let expected = r"-------------------------------------------
|             DescribeSubnets             |
+-----------------------------------------+
||                Subnets                ||
|+--------------------------+------------+|
||  AvailableIpAddressCount | SubnetId   ||
|+--------------------------+------------+|
||  0                       |  subnet-1  ||
|+--------------------------+------------+|
";
    assert_eq!(ok(&subnets(), None, Output::Table), expected);
}

#[test]
fn table_nests_lists_inside_list_items_one_level_deeper() {
    let expected = r"------------------------------------------------------------
|                      DescribeSubnets                     |
+----------------------------------------------------------+
||                         Subnets                        ||
|+-------------------------+---------------+--------------+|
|| AvailableIpAddressCount |   CidrBlock   |  SubnetId    ||
|+-------------------------+---------------+--------------+|
||  0                      |  10.0.1.0/28  |  subnet-0a1  ||
|+-------------------------+---------------+--------------+|
|||                         Tags                         |||
||+-------------------+----------------------------------+||
|||        Key        |              Value               |||
||+-------------------+----------------------------------+||
|||  Name             |  private-a                       |||
||+-------------------+----------------------------------+||
||                         Subnets                        ||
|+-------------------------+---------------+--------------+|
|| AvailableIpAddressCount |   CidrBlock   |  SubnetId    ||
|+-------------------------+---------------+--------------+|
||  249                    |  10.0.2.0/24  |  subnet-0b2  ||
|+-------------------------+---------------+--------------+|
";
    assert_eq!(ok(&subnets2(), None, Output::Table), expected);
}

#[test]
fn table_of_a_list_of_lists_has_rows_and_no_headers() {
    let q = Some("Subnets[].[SubnetId,AvailableIpAddressCount]");
    let expected = r"-----------------------
|   DescribeSubnets   |
+-------------+-------+
|  subnet-0a1 |  0    |
|  subnet-0b2 |  249  |
+-------------+-------+
";
    assert_eq!(ok(&subnets2(), q, Output::Table), expected);
    assert_eq!(
        ok(&subnets2(), q, Output::Text),
        "subnet-0a1\t0\nsubnet-0b2\t249\n"
    );
}

#[test]
fn table_of_a_scalar_is_the_title_alone() {
    let expected = "-----------------\n|DescribeSubnets|\n+---------------+\n";
    assert_eq!(
        ok(&subnets2(), Some("length(Subnets)"), Output::Table),
        expected
    );
    let expected = "-----------------\n|DescribeSubnets|\n+---------------+\n|  True         |\n|  None         |\n|  2.5          |\n|  x            |\n+---------------+\n";
    let value = json!({"a": [true, null, 2.5, "x"]});
    assert_eq!(ok(&value, Some("a"), Output::Table), expected);
}

#[test]
fn table_turns_single_row_sections_vertical_past_80_columns() {
    let expected = r"----------------------------------------------------------------------------------------
|                                     DescribeTasks                                    |
+-------------------+------------------------------------------------------------------+
|  cpu              |  256                                                             |
|  lastStatus       |  STOPPED                                                         |
|  stoppedReason    |  Essential container in task exited                              |
|  taskArn          |  arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e               |
|  version          |  4                                                               |
+-------------------+------------------------------------------------------------------+
||                                     containers                                     ||
|+----------+-------------+-----------------------------------------------------------+|
|| exitCode |    name     |                          reason                           ||
|+----------+-------------+-----------------------------------------------------------+|
||  137     |  web        |  OutOfMemoryError: Container killed due to memory usage   ||
||  0       |  log-router |                                                           ||
|+----------+-------------+-----------------------------------------------------------+|
||                                      overrides                                     ||
|+------------------------------------------------------------------------------------+|
";
    assert_eq!(ok(&tasks(), Some("tasks[0]"), Output::Table), expected);
}

#[test]
fn table_of_a_multi_select_hash_sorts_its_columns() {
    let q = Some("tasks[].{why: stoppedReason, arn: taskArn}");
    let expected = r"--------------------------------------------------------------------------------------------------------------
|                                                DescribeTasks                                               |
+----------------------------------------------------+-------------------------------------------------------+
|                         arn                        |                          why                          |
+----------------------------------------------------+-------------------------------------------------------+
|  arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e |  Essential container in task exited                   |
|  arn:aws:ecs:us-east-1:111122223333:task/prod/9a8b |  ResourceInitializationError: unable to pull secrets  |
+----------------------------------------------------+-------------------------------------------------------+
";
    assert_eq!(ok(&tasks(), q, Output::Table), expected);
}

#[test]
fn table_rows_of_different_lengths_fail_as_the_cli_does() {
    let value = json!({"a": [[1, 2], [3]]});
    let e = render(&value, None, Output::Table, "X").expect_err("fails");
    assert_eq!(
        e.to_string(),
        "Row should have 2 elements, instead it has 1"
    );
}

#[test]
fn text_rows_take_sorted_scalars_behind_the_uppercased_key() {
    assert_eq!(ok(&subnets(), None, Output::Text), "SUBNETS\t0\tsubnet-1\n");
    let expected = "SUBNETS\t0\t10.0.1.0/28\tsubnet-0a1\nTAGS\tName\tprivate-a\nSUBNETS\t249\t10.0.2.0/24\tsubnet-0b2\n";
    assert_eq!(ok(&subnets2(), None, Output::Text), expected);
    let expected = "TASKS\t256\tSTOPPED\tEssential container in task exited\tarn:aws:ecs:us-east-1:111122223333:task/prod/0f1e\t4\n\
                        CONTAINERS\t137\tweb\tOutOfMemoryError: Container killed due to memory usage\n\
                        CONTAINERS\t0\tlog-router\t\n\
                        TASKS\t512\tPROVISIONING\tResourceInitializationError: unable to pull secrets\tarn:aws:ecs:us-east-1:111122223333:task/prod/9a8b\t1\n\
                        CONTAINERS\tweb\n";
    assert_eq!(ok(&tasks(), None, Output::Text), expected);
}

#[test]
fn text_prints_a_list_of_scalars_on_one_line() {
    let expected =
        "Essential container in task exited\tResourceInitializationError: unable to pull secrets\n";
    assert_eq!(
        ok(&tasks(), Some("tasks[].stoppedReason"), Output::Text),
        expected
    );
    let value = json!({"a": [true, null, 2.5, "x"]});
    assert_eq!(ok(&value, Some("a"), Output::Text), "True\tNone\t2.5\tx\n");
    let e = render(&json!({"a": [{"b": 1}, "c"]}), None, Output::Text, "X").expect_err("fails");
    assert_eq!(e.to_string(), "'str' object has no attribute 'items'");
}

#[test]
fn queries_keep_the_key_order_of_the_response_and_of_the_query() {
    let q = Some("tasks[].{why: stoppedReason, arn: taskArn}");
    let expected = r#"[
    {
        "why": "Essential container in task exited",
        "arn": "arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e"
    },
    {
        "why": "ResourceInitializationError: unable to pull secrets",
        "arn": "arn:aws:ecs:us-east-1:111122223333:task/prod/9a8b"
    }
]
"#;
    assert_eq!(ok(&tasks(), q, Output::Json), expected);
    let q = Some("keys(tasks[0])");
    let expected = "[\n    \"taskArn\",\n    \"lastStatus\",\n    \"cpu\",\n    \"version\",\n    \"stoppedReason\",\n    \"containers\",\n    \"overrides\"\n]\n";
    assert_eq!(ok(&tasks(), q, Output::Json), expected);
    let q = Some("tasks[0].containers[0].*");
    let expected = "[\n    \"web\",\n    137,\n    \"OutOfMemoryError: Container killed due to memory usage\"\n]\n";
    assert_eq!(ok(&tasks(), q, Output::Json), expected);
    let q = Some("to_string(tasks[0].containers[1])");
    let expected = "\"{\\\"name\\\":\\\"log-router\\\",\\\"exitCode\\\":0}\"\n";
    assert_eq!(ok(&tasks(), q, Output::Json), expected);
    let q = Some("merge(tasks[0].containers[1], `{\"z\": 1, \"a\": 2}`)");
    let expected =
        "{\n    \"name\": \"log-router\",\n    \"exitCode\": 0,\n    \"z\": 1,\n    \"a\": 2\n}\n";
    assert_eq!(ok(&tasks(), q, Output::Json), expected);
}

#[test]
fn sort_by_and_other_functions_work() {
    let q = Some("sort_by(tasks, &version)[].[version, lastStatus]");
    let expected = "[\n    [\n        1,\n        \"PROVISIONING\"\n    ],\n    [\n        4,\n        \"STOPPED\"\n    ]\n]\n";
    assert_eq!(ok(&tasks(), q, Output::Json), expected);
    let q = Some("sort_by(Subnets, &AvailableIpAddressCount)[].SubnetId");
    assert_eq!(ok(&subnets2(), q, Output::Text), "subnet-0a1\tsubnet-0b2\n");
    let q = Some("max_by(tasks, &cpu).taskArn");
    assert_eq!(
        ok(&tasks(), q, Output::Text),
        "arn:aws:ecs:us-east-1:111122223333:task/prod/9a8b\n"
    );
    let q = Some("tasks[?contains(stoppedReason, 'secrets')] | length(@)");
    assert_eq!(ok(&tasks(), q, Output::Json), "1\n");
    let q = Some("join(', ', tasks[?starts_with(lastStatus, 'STOP')].cpu)");
    assert_eq!(ok(&tasks(), q, Output::Json), "\"256\"\n");
}

#[test]
fn numbers_follow_python() {
    let value = json!({"a": [1, 2, 3], "f": [0.5, 1e-5, 1e16, 100.0]});
    let q = Some(
        "{s: sum(a), avg: avg(a), c: ceil(`1.5`), n: to_number('42'), f: f, t: to_number(`true`)}",
    );
    let expected = "{\n    \"s\": 6,\n    \"avg\": 2.0,\n    \"c\": 2,\n    \"n\": 42,\n    \"f\": [\n        0.5,\n        1e-05,\n        1e+16,\n        100.0\n    ],\n    \"t\": null\n}\n";
    assert_eq!(ok(&value, q, Output::Json), expected);
    let q = Some("{s: sum(a), avg: avg(a), c: ceil(`1.5`), n: to_number('42'), f: f}");
    assert_eq!(
        ok(&value, q, Output::Text),
        "2.0\t2\t42\t6\nF\t0.5\nF\t1e-05\nF\t1e+16\nF\t100.0\n"
    );
    for (f, repr) in [
        (0.1, "0.1"),
        (1e-4, "0.0001"),
        (1.5e-7, "1.5e-07"),
        (1e22, "1e+22"),
        (-2.0, "-2.0"),
    ] {
        assert_eq!(py_float(f), repr);
    }
    assert_eq!(py_float(123456789012345678.0), "1.2345678901234568e+17");
}

#[test]
fn query_errors_read_as_the_cli_prints_them() {
    assert_eq!(
            err(&tasks(), "tasks[?lastStatus=='STOPPED'"),
            "Bad value for --query tasks[?lastStatus=='STOPPED': Invalid jmespath expression: Incomplete expression:\n\"tasks[?lastStatus=='STOPPED'\"\n                             ^"
        );
    assert_eq!(
            err(&tasks(), "tasks[?lastStatus==STOPPED']"),
            "Bad value for --query tasks[?lastStatus==STOPPED']: Bad jmespath expression: Unclosed ' delimiter:\ntasks[?lastStatus==STOPPED']\n                          ^"
        );
    assert_eq!(
            err(&tasks(), "tasks]"),
            "Bad value for --query tasks]: Unexpected token: ]: Parse error at column 5, token \"]\" (RBRACKET), for expression:\n\"tasks]\"\n      ^"
        );
    assert_eq!(err(&tasks(), "lenght(tasks)"), "Unknown function: lenght()");
    assert_eq!(
        err(&tasks(), "length(tasks, tasks)"),
        "Expected 1 argument for function length(), received 2"
    );
    assert_eq!(
            err(&tasks(), "length(tasks[0].version)"),
            "In function length(), invalid type for value: 4, expected one of: ['string', 'array', 'object'], received: \"number\""
        );
    assert_eq!(
            err(&tasks(), "sort_by(tasks, &containers[0].exitCode)"),
            "In function sort_by(), invalid type for value: None, expected one of: ['number'], received: \"null\""
        );
}

#[test]
fn plain_text_responses_pass_through_but_a_bad_query_still_fails() {
    let logs = Value::String("2024-01-01T00:00:00 web exited\n".to_string());
    assert_eq!(
        render(&logs, None, Output::Table, "Tail").as_deref(),
        Ok("2024-01-01T00:00:00 web exited\n")
    );
    assert_eq!(
        render(&logs, Some("a"), Output::Json, "Tail").as_deref(),
        Ok("2024-01-01T00:00:00 web exited\n")
    );
    assert!(render(&logs, Some("a["), Output::Json, "Tail").is_err());
}

#[test]
fn output_parses_the_cli_choices() {
    assert_eq!(Output::parse("json"), Ok(Output::Json));
    assert_eq!(Output::parse("text"), Ok(Output::Text));
    assert_eq!(Output::parse("table"), Ok(Output::Table));
    assert_eq!(
            Output::parse("yaml"),
            Err("aws: error: argument --output: yaml is an output of the AWS CLI v2 that faultline does not render; use json, text or table".to_string())
        );
    // The choices listed are the ones faultline renders: yaml is not offered and then refused.
    let choices = format!(
            "aws: error: argument --output: Invalid choice, valid choices are:\n\n{:<40} | {:<40}\n{:<40}",
            "json", "text", "table"
        );
    assert!(!choices.contains("yaml"));
    assert_eq!(Output::parse("xml"), Err(choices.clone()));
    let near = format!("{choices}\n\n\nInvalid choice: 'tabel', maybe you meant:\n\n  * table");
    assert_eq!(Output::parse("tabel"), Err(near));
}

#[test]
fn backtick_literals_that_are_not_json_are_strings_as_in_the_cli() {
    // Python's jmespath (the AWS CLI's) reads `Name` and `0.0.0.0/0` as the
    // strings they spell; these answers are Python jmespath 1.0's.
    let v = json!({
        "Vpcs": [{"VpcId": "vpc-1", "Tags": [{"Key": "Name", "Value": "shop"}, {"Key": "env", "Value": "prod"}]}],
        "RouteTables": [{"Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
            {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}
        ]}]
    });
    let q = |query: &str| ok(&v, Some(query), Output::Text);
    assert_eq!(q("Vpcs[].Tags[?Key==`Name`].Value[]"), "shop\n");
    assert_eq!(
        q("RouteTables[].Routes[?DestinationCidrBlock==`0.0.0.0/0`].NatGatewayId[]"),
        "nat-1\n"
    );
    assert_eq!(q("Vpcs[?VpcId==`vpc-1`].VpcId"), "vpc-1\n");
    assert_eq!(q("` foo`"), "foo\n");
    // JSON literals are unchanged; raw strings keep their backticks.
    assert_eq!(q("`[1, 2]`"), "1\t2\n");
    assert_eq!(q("Vpcs[].Tags[?Key=='Name'].Value[]"), "shop\n");
    assert_eq!(q("'a`b`c'"), "a`b`c\n");
}
