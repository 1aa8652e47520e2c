"""A corpus of plan signatures shaped like the ones real modules ship (peadm, cd4pe, pecdm,
provision, pe_status_check, facts, reboot, puppet_agent, os_patching, terraform, kubernetes,
ca_extend, package, service, deploy and backup plans, stdlib's aliases, YAML plans), each with
what a person types on the launch form and what must then reach PE.

`parameters` are as PE's plan metadata reports them (orchestrator-api.md 3.2): the type text as
written in the plan (spacing and line breaks kept), `default_value` as Puppet source text (a
plain JSON value for YAML plans), left out when there is no default.

`sends` is worked out by hand from Puppet's rules for a plan call (orchestrator-api.md 6.1), not
taken from what the app produced:

- A literal default is shown in its field, so an untouched field sends it, as it is (`'8140'`
  stays a String for `Variant[Integer, String]`); a field emptied sends nothing and PE applies
  the default. A default PE works out (`$facts[...]`, a selector, a
  function call, an interpolated string) or `undef` starts empty and sends nothing.
- An empty field without a default sends `null` when its type accepts undef, and is required
  otherwise (an unchecked Boolean box is `false`, not empty).
- A Float needs a decimal: `5` typed for a Float is 5.0; for a Numeric it stays 5.
- Sensitive at the top of the type is sent as the plain value (PE wraps it); anywhere else PE
  passes a plain value, which only the type's parts without Sensitive can take: usually none,
  so only an empty field works.
- A module's alias the app was not told about is a text field whose text is sent as a string.

`invalid` entries are values a person plausibly types that Puppet refuses: the field, the text,
a distinctive part of the message, and the JSON value Puppet would have been handed (for the
stand-in to confirm it refuses it too; MISSING for a parameter left out).

Puppet checks a default against its type like any value (its closure call evaluates the
defaults, then validates every argument), so a default that does not fit (`String $x = undef`,
`Sensitive[String] $x = 'changeme'`, which is never wrapped) fails the plan when left empty:
such a parameter needs a value. The stand-in takes defaults as fitting, so it does not see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
TYPED_AS_TEXT: Any = type("TypedAsText", (), {"__repr__": lambda self: "TYPED_AS_TEXT"})()


class Invalid(NamedTuple):
    field: str  # param__<name>
    typed: str
    message: str  # the field's error contains this
    value: Any = TYPED_AS_TEXT  # what PE would get; TYPED_AS_TEXT: the typed text as a String
    stand_in_misses: str = ""  # why the stand-in would take it although Puppet does not


@dataclass(frozen=True)
class Case:
    id: str
    plan: str
    parameters: dict[str, dict[str, Any]]
    sends: dict[str, Any]
    typed: dict[str, str] = field(default_factory=dict)
    invalid: tuple[Invalid, ...] = ()
    # The module's own aliases, which PE knows; `app_knows` says whether an administrator also
    # entered them here (TypeAlias rows). Otherwise the app sees only their names.
    type_aliases: dict[str, str] = field(default_factory=dict)
    app_knows: bool = False
    json: bool = False  # also launched in JSON mode

    def __str__(self) -> str:
        return self.id


# -- modules' own aliases, as their types/ directories define them ------------------------------

PEADM = {
    "Peadm::SingleTargetSpec": r"Variant[Pattern[/\A[^[:space:],]+\z/], Target]",
    "Peadm::Pem": r"Pattern[/^-----BEGIN/]",
    "Peadm::Pe_version": r"Pattern[/^\d+\.\d+\.\d+(-.+)?$/]",
    "Peadm::Recovery_opts": (
        "Struct[{\n"
        "  'activity'     => Optional[Boolean],\n"
        "  'ca'           => Optional[Boolean],\n"
        "  'classifier'   => Optional[Boolean],\n"
        "  'code'         => Optional[Boolean],\n"
        "  'config'       => Optional[Boolean],\n"
        "  'orchestrator' => Optional[Boolean],\n"
        "  'puppetdb'     => Optional[Boolean],\n"
        "  'rbac'         => Optional[Boolean],\n"
        "}]"
    ),
}
WEBAPP = {
    "Webapp::Version": r"Pattern[/\A\d+\.\d+\.\d+(-[[:alnum:].]+)?\z/]",
    "Webapp::Release": (
        "Struct[{\n"
        "    version           => Webapp::Version,\n"
        "    Optional[channel] => Enum['stable', 'beta'],\n"
        "    artifact_url      => Stdlib::HTTPSUrl,\n"
        "  }]"
    ),
}
PROFILE = {
    "Profile::Tier": "Enum['web', 'db', 'cache']",
    "Profile::Replicas": "Integer[1, 9]",
    "Profile::Endpoint": "Struct[{host => Stdlib::Host, port => Stdlib::Port}]",
    "Profile::Secret": "Sensitive[String[1]]",
    "Profile::Hostnames": "Array[Stdlib::Fqdn, 1]",
}

PEADM_UPGRADE_STEPS = (
    "Optional[Enum[\n"
    "    'upgrade-primary',\n"
    "    'upgrade-node-groups',\n"
    "    'upgrade-primary-compilers',\n"
    "    'upgrade-replica',\n"
    "    'upgrade-replica-compilers',\n"
    "    'finalize']]"
)

NO_DEFAULT_OPTIONALS = {
    "note": {"type": "Optional[String]"},
    "count": {"type": "Optional[Integer]"},
    "ratio": {"type": "Optional[Float]"},
    "flag": {"type": "Optional[Boolean]"},
    "mode": {"type": "Optional[Enum['fast', 'safe']]"},
    "hosts": {"type": "Optional[Array[String]]"},
    "extra": {"type": "Optional[Hash]"},
    "either": {"type": "Variant[Undef, String[1]]"},
    "anything": {"type": "Any"},
    "data": {"type": "Optional[Data]"},
}


DEFAULTS_UNCHECKED = "the stand-in takes a default as fitting its type; Puppet checks it"

CASES: tuple[Case, ...] = (
    # -- peadm ---------------------------------------------------------------------------------
    Case(
        id="peadm-install-standard",
        plan="peadm::install",
        type_aliases=PEADM,
        app_knows=True,
        json=True,
        parameters={
            "primary_host": {"type": "Peadm::SingleTargetSpec", "description": "The primary server"},
            "replica_host": {"type": "Optional[Peadm::SingleTargetSpec]", "default_value": "undef"},
            "compiler_hosts": {"type": "Optional[TargetSpec]", "default_value": "undef"},
            "console_password": {"type": "String"},
            "version": {"type": "String", "default_value": "'2021.7.9'"},
            "dns_alt_names": {"type": "Optional[Array[String]]", "default_value": "undef"},
            "pe_conf_data": {"type": "Optional[Hash]", "default_value": "{ }"},
            "r10k_private_key_content": {"type": "Optional[Peadm::Pem]", "default_value": "undef"},
            "final_agent_state": {"type": "Enum['running', 'stopped']", "default_value": "'running'"},
            "download_mode": {"type": "Enum['direct', 'bolthost']", "default_value": "'bolthost'"},
            "permit_unsafe_versions": {"type": "Boolean", "default_value": "false"},
            "token_lifetime": {"type": "String", "default_value": "'1y'"},
        },
        typed={"param__primary_host": "pe-primary.example.com", "param__console_password": "Puppet-Labs-123"},
        sends={
            "primary_host": "pe-primary.example.com",
            "console_password": "Puppet-Labs-123",
            "version": "2021.7.9",
            "pe_conf_data": {},
            "final_agent_state": "running",
            "download_mode": "bolthost",
            "permit_unsafe_versions": False,
            "token_lifetime": "1y",
        },
        invalid=(
            Invalid("param__primary_host", "pe-primary, pe-replica", "must match"),
            Invalid("param__primary_host", "", "This parameter is required.", MISSING),
            Invalid("param__r10k_private_key_content", "MIIEpAIBAAKCAQEA", "must match /^-----BEGIN/"),
        ),
    ),
    Case(
        id="peadm-install-extra-large-aliases-unknown-here",
        plan="peadm::install",
        type_aliases=PEADM,
        parameters={
            "primary_host": {"type": "Peadm::SingleTargetSpec"},
            "replica_host": {"type": "Optional[Peadm::SingleTargetSpec]", "default_value": "undef"},
            "compiler_hosts": {"type": "Optional[TargetSpec]", "default_value": "undef"},
            "primary_postgresql_host": {"type": "Optional[Peadm::SingleTargetSpec]", "default_value": "undef"},
            "console_password": {"type": "String"},
            "version": {"type": "Peadm::Pe_version", "default_value": "'2023.8.1'"},
            "dns_alt_names": {"type": "Optional[Array[String]]", "default_value": "undef"},
            "pe_conf_data": {"type": "Optional[Hash]", "default_value": "{ }"},
            "permit_unsafe_versions": {"type": "Boolean", "default_value": "false"},
        },
        typed={
            "param__primary_host": "pe-primary.example.com",
            "param__replica_host": "pe-replica.example.com",
            "param__compiler_hosts": "compiler-a1.example.com\ncompiler-b1.example.com",
            "param__primary_postgresql_host": "pe-psql-a.example.com",
            "param__console_password": "Puppet-Labs-123",
            "param__dns_alt_names": "puppet\npuppet.example.com",
            "param__pe_conf_data": '{"puppet_enterprise::profile::console::display_local_time": true}',
            "param__permit_unsafe_versions": "true",
        },
        sends={
            "primary_host": "pe-primary.example.com",
            "replica_host": "pe-replica.example.com",
            "compiler_hosts": ["compiler-a1.example.com", "compiler-b1.example.com"],
            "primary_postgresql_host": "pe-psql-a.example.com",
            "console_password": "Puppet-Labs-123",
            "version": "2023.8.1",
            "dns_alt_names": ["puppet", "puppet.example.com"],
            "pe_conf_data": {"puppet_enterprise::profile::console::display_local_time": True},
            "permit_unsafe_versions": True,
        },
        invalid=(Invalid("param__primary_host", "", "This parameter is required.", MISSING),),
    ),
    Case(
        id="peadm-upgrade",
        plan="peadm::upgrade",
        type_aliases=PEADM,
        app_knows=True,
        json=True,
        parameters={
            "primary_host": {"type": "Peadm::SingleTargetSpec"},
            "replica_host": {"type": "Optional[Peadm::SingleTargetSpec]", "default_value": "undef"},
            "compiler_hosts": {"type": "Optional[TargetSpec]", "default_value": "undef"},
            "version": {"type": "String"},
            "pe_installer_source": {"type": "Optional[String]", "default_value": "undef"},
            "token_file": {"type": "Optional[String]", "default_value": "undef"},
            "final_agent_state": {"type": "Enum['running', 'stopped']", "default_value": "'running'"},
            "begin_at_step": {"type": PEADM_UPGRADE_STEPS, "default_value": "undef"},
            "download_mode": {"type": "Optional[Enum['direct', 'bolthost']]", "default_value": "'bolthost'"},
            "permit_unsafe_versions": {"type": "Boolean", "default_value": "false"},
        },
        typed={
            "param__primary_host": "pe-primary.example.com",
            "param__compiler_hosts": "compiler-a1.example.com",
            "param__version": "2023.8.1",
            "param__begin_at_step": "upgrade-replica",
            "param__download_mode": "direct",
            "param__final_agent_state": "stopped",
        },
        sends={
            "primary_host": "pe-primary.example.com",
            "compiler_hosts": "compiler-a1.example.com",
            "version": "2023.8.1",
            "final_agent_state": "stopped",
            "begin_at_step": "upgrade-replica",
            "download_mode": "direct",
            "permit_unsafe_versions": False,
        },
        invalid=(
            Invalid("param__version", "", "This parameter is required.", MISSING),
            Invalid("param__begin_at_step", "upgrade-agents", "expects one of 'upgrade-primary'"),
        ),
    ),
    Case(
        id="peadm-convert",
        plan="peadm::convert",
        type_aliases=PEADM,
        app_knows=True,
        parameters={
            "primary_host": {"type": "Peadm::SingleTargetSpec"},
            "replica_host": {"type": "Optional[Peadm::SingleTargetSpec]", "default_value": "undef"},
            "compiler_hosts": {"type": "Optional[TargetSpec]", "default_value": "undef"},
            "compiler_pool_address": {"type": "Optional[String]", "default_value": "undef"},
            "dns_alt_names": {"type": "Array[String]", "default_value": "[ ]"},
            "begin_at_step": {
                "type": "Optional[Enum[\n    'modify-primary-certs',\n    'modify-infra-certs',\n"
                "    'convert-node-groups',\n    'finalize']]",
                "default_value": "undef",
            },
        },
        typed={"param__primary_host": "pe-primary.example.com", "param__compiler_pool_address": "puppet.example.com"},
        sends={
            "primary_host": "pe-primary.example.com",
            "compiler_pool_address": "puppet.example.com",
            "dns_alt_names": [],
        },
    ),
    Case(
        id="peadm-backup",
        plan="peadm::backup",
        type_aliases=PEADM,
        app_knows=True,
        json=True,
        parameters={
            "targets": {"type": "Peadm::SingleTargetSpec"},
            "backup_type": {"type": "Enum['recovery', 'custom']", "default_value": "'recovery'"},
            "backup": {"type": "Peadm::Recovery_opts", "default_value": "{}"},
            "output_directory": {"type": "String", "default_value": "'/tmp'"},
        },
        typed={
            "param__targets": "pe-primary.example.com",
            "param__backup_type": "custom",
            "param__backup": '{"puppetdb": true, "ca": false}',
            "param__output_directory": "/var/backups/pe",
        },
        sends={
            "targets": "pe-primary.example.com",
            "backup_type": "custom",
            "backup": {"puppetdb": True, "ca": False},
            "output_directory": "/var/backups/pe",
        },
        invalid=(
            Invalid("param__backup", '{"pupetdb": true}', "has no key 'pupetdb'", {"pupetdb": True}),
            Invalid("param__backup", '{"rbac": "yes"}', "expects true or false", {"rbac": "yes"}),
        ),
    ),
    Case(
        id="peadm-restore-ruby-pattern",
        plan="peadm::restore",
        type_aliases=PEADM,
        app_knows=True,
        parameters={
            "targets": {"type": "Peadm::SingleTargetSpec"},
            "restore_type": {"type": "Enum['recovery', 'recovery-db', 'custom']", "default_value": "'recovery'"},
            "restore": {"type": "Peadm::Recovery_opts", "default_value": "{}"},
            "input_file": {"type": r"Pattern[/.*\.tar\.gz$/]"},
        },
        typed={"param__targets": "pe-primary.example.com", "param__input_file": "/tmp/pe-backup-2024.tar.gz"},
        sends={
            "targets": "pe-primary.example.com",
            "restore_type": "recovery",
            "restore": {},
            "input_file": "/tmp/pe-backup-2024.tar.gz",
        },
        invalid=(Invalid("param__input_file", "/tmp/pe-backup.zip", "must match"),),
    ),
    Case(
        id="peadm-add-replica",
        plan="peadm::add_replica",
        type_aliases=PEADM,
        app_knows=True,
        parameters={
            "primary_host": {"type": "Peadm::SingleTargetSpec"},
            "replica_host": {"type": "Peadm::SingleTargetSpec"},
            "replica_postgresql_host": {"type": "Optional[Peadm::SingleTargetSpec]", "default_value": "undef"},
            "token_file": {"type": "Optional[String]", "default_value": "undef"},
        },
        typed={"param__primary_host": "pe-primary.example.com", "param__replica_host": "pe-replica.example.com"},
        sends={"primary_host": "pe-primary.example.com", "replica_host": "pe-replica.example.com"},
        invalid=(Invalid("param__replica_host", "pe replica", "must match"),),
    ),
    Case(
        id="peadm-add-compiler-multiline-enum",
        plan="peadm::add_compiler",
        type_aliases=PEADM,
        parameters={
            "avail_group_letter": {"type": "Enum[\n    'A',\n    'B'\n  ]", "default_value": "'A'"},
            "dns_alt_names": {"type": "Optional[String[1]]", "default_value": "undef"},
            "compiler_host": {"type": "Peadm::SingleTargetSpec"},
            "primary_host": {"type": "Peadm::SingleTargetSpec"},
            "primary_postgresql_host": {"type": "Peadm::SingleTargetSpec"},
        },
        typed={
            "param__avail_group_letter": "B",
            "param__compiler_host": "compiler-b2.example.com",
            "param__primary_host": "pe-primary.example.com",
            "param__primary_postgresql_host": "pe-psql-b.example.com",
        },
        sends={
            "avail_group_letter": "B",
            "compiler_host": "compiler-b2.example.com",
            "primary_host": "pe-primary.example.com",
            "primary_postgresql_host": "pe-psql-b.example.com",
        },
        invalid=(Invalid("param__avail_group_letter", "C", "expects one of 'A', 'B'"),),
    ),
    # -- cd4pe -----------------------------------------------------------------------------------
    Case(
        id="cd4pe-install",
        plan="cd4pe::install",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "admin_email": {"type": "Stdlib::Email"},
            "admin_password": {"type": "Sensitive[String[1]]"},
            "resolvable_hostname": {"type": "Optional[Stdlib::HTTPUrl]", "default_value": "undef"},
            "runtime": {"type": "Enum['docker', 'podman']", "default_value": "'docker'"},
            "license": {"type": "Optional[Sensitive[String[1]]]", "default_value": "undef"},
            "analytics": {"type": "Boolean", "default_value": "true"},
        },
        typed={
            "param__targets": "cd4pe.example.com",
            "param__admin_email": "ops@example.com",
            "param__admin_password": "S3cure-Pass!",
            "param__resolvable_hostname": "http://cd4pe.example.com:8080",
            "param__runtime": "podman",
            "param__analytics": "false",
        },
        sends={
            "targets": "cd4pe.example.com",
            "admin_email": "ops@example.com",
            "admin_password": "S3cure-Pass!",
            "resolvable_hostname": "http://cd4pe.example.com:8080",
            "runtime": "podman",
            "analytics": False,
        },
        invalid=(
            Invalid("param__admin_email", "ops-at-example.com", "must match"),
            Invalid("param__admin_password", "", "This parameter is required.", MISSING),
            Invalid("param__resolvable_hostname", "cd4pe.example.com", "must match"),
            Invalid("param__license", "LICENSE-KEY-123", "only a type that starts with Sensitive is wrapped"),
        ),
    ),
    Case(
        id="cd4pe-deploy-pipeline",
        plan="cd4pe::deploy",
        parameters={
            "repo_target_branch": {"type": "String[1]"},
            "max_node_failure": {"type": "Optional[Integer[0]]"},
            "noop": {"type": "Boolean", "default_value": "false"},
            "node_group_ids": {"type": "Optional[Array[Pattern[/\\A\\h{8}-\\h{4}-\\h{4}-\\h{4}-\\h{12}\\z/]]]"},
            "deployment_policy": {
                "type": "Enum[\n    'direct',\n    'eventual_consistency',\n    'rolling'\n  ]",
                "default_value": "'direct'",
            },
        },
        typed={
            "param__repo_target_branch": "production",
            "param__node_group_ids": "2f4c9a1e-77d3-4c55-9f0b-3b0d9d2f1a10\n00000000-0000-4000-8000-000000000000",
        },
        sends={
            "repo_target_branch": "production",
            "max_node_failure": None,
            "noop": False,
            "node_group_ids": ["2f4c9a1e-77d3-4c55-9f0b-3b0d9d2f1a10", "00000000-0000-4000-8000-000000000000"],
            "deployment_policy": "direct",
        },
        invalid=(
            Invalid("param__node_group_ids", "production-nodes", "must match", ["production-nodes"]),
            Invalid("param__max_node_failure", "-1", "must be at least 0", -1),
            Invalid("param__repo_target_branch", "", "This parameter is required.", MISSING),
        ),
    ),
    # -- pecdm -----------------------------------------------------------------------------------
    Case(
        id="pecdm-provision",
        plan="pecdm::provision",
        json=True,
        parameters={
            "provider": {"type": "Enum['google', 'aws', 'azure']"},
            "architecture": {
                "type": "Enum['xlarge', 'large', 'standard', 'xlarge-dr', 'large-dr', 'standard-dr']",
                "default_value": "'large'",
            },
            "version": {"type": "String[1]", "default_value": "'2023.8.0'"},
            "console_password": {"type": "Optional[String[1]]", "default_value": "undef"},
            "compiler_count": {"type": "Integer", "default_value": "1"},
            "cloud_region": {"type": "Optional[String[1]]", "default_value": "undef"},
            "firewall_allow": {"type": "Optional[Array]", "default_value": "[]"},
            "extra_terraform_vars": {"type": "Hash[String[1], String[1]]", "default_value": "{}"},
            "lb_ip_mode": {"type": "Optional[Enum['private', 'public']]", "default_value": "'private'"},
            "stage": {"type": "Optional[String[1]]", "default_value": '"pecdm-${provider}"'},
            "replica": {"type": "Boolean", "default_value": "false"},
            "disk_size": {"type": "Optional[Integer]", "default_value": "undef"},
            "instance_image": {"type": "Optional[Variant[String[1],Hash]]", "default_value": "undef"},
        },
        typed={
            "param__provider": "aws",
            "param__compiler_count": "3",
            "param__cloud_region": "eu-west-1",
            "param__firewall_allow": '["10.0.0.0/8", "192.168.0.0/16"]',
            "param__extra_terraform_vars": '{"machine_type": "m5.xlarge"}',
            "param__disk_size": "100",
            "param__instance_image": '"ami-0abcdef1234567890"',
        },
        sends={
            "provider": "aws",
            "architecture": "large",
            "version": "2023.8.0",
            "compiler_count": 3,
            "cloud_region": "eu-west-1",
            "firewall_allow": ["10.0.0.0/8", "192.168.0.0/16"],
            "extra_terraform_vars": {"machine_type": "m5.xlarge"},
            "lb_ip_mode": "private",
            "replica": False,
            "disk_size": 100,
            "instance_image": "ami-0abcdef1234567890",
        },
        invalid=(
            Invalid("param__provider", "", "This parameter is required.", MISSING),
            Invalid("param__compiler_count", "two", "whole number"),
            Invalid("param__extra_terraform_vars", '{"zones": 3}', "The key zones expects a String", {"zones": 3}),
            Invalid("param__instance_image", '""', "needs at least 1", ""),
        ),
    ),
    Case(
        id="pecdm-upgrade-computed-defaults",
        plan="pecdm::upgrade",
        parameters={
            "provider": {"type": "Enum['google', 'aws', 'azure']"},
            "version": {"type": "String[1]"},
            "ssh_user": {
                "type": "Optional[String[1]]",
                "default_value": "$provider ? { 'azure' => 'azureuser', default => undef }",
            },
            "download_mode": {"type": "Enum['direct', 'bolthost']", "default_value": "'direct'"},
            "stage": {"type": "String[1]", "default_value": '"pecdm-${provider}-${version}"'},
        },
        typed={"param__provider": "google", "param__version": "2023.8.1"},
        sends={"provider": "google", "version": "2023.8.1", "download_mode": "direct"},
    ),
    # -- provision -------------------------------------------------------------------------------
    Case(
        id="provision-docker",
        plan="provision::docker",
        parameters={
            "action": {"type": "Optional[String]", "default_value": "'provision'"},
            "platform": {"type": "String", "default_value": "undef"},
            "inventory": {"type": "Optional[String]", "default_value": "undef"},
            "vars": {"type": "Optional[String]", "default_value": "undef"},
            "docker_run_opts": {"type": "Optional[String]", "default_value": "undef"},
        },
        typed={"param__platform": "litmusimage/ubuntu:22.04", "param__vars": "role: agent"},
        sends={"action": "provision", "platform": "litmusimage/ubuntu:22.04", "vars": "role: agent"},
        invalid=(Invalid("param__platform", "", "This parameter is required.", MISSING, DEFAULTS_UNCHECKED),),
    ),
    Case(
        id="provision-abs-bare-word-enum",
        plan="provision::abs",
        json=True,
        parameters={
            "action": {"type": "Enum[provision, tear_down]", "default_value": "'provision'"},
            "platform": {"type": "Optional[String[1]]", "default_value": "undef"},
            "node_name": {"type": "Optional[String[1]]", "default_value": "undef"},
            "vars": {"type": "Optional[Hash[String, Data]]", "default_value": "undef"},
            "retry_attempts": {"type": "Integer[0, 10]", "default_value": "5"},
        },
        typed={
            "param__action": "tear_down",
            "param__node_name": "ab12cd34ef.delivery.example.net",
            "param__vars": '{"role": "primary", "tags": ["litmus"]}',
        },
        sends={
            "action": "tear_down",
            "node_name": "ab12cd34ef.delivery.example.net",
            "vars": {"role": "primary", "tags": ["litmus"]},
            "retry_attempts": 5,
        },
        invalid=(Invalid("param__retry_attempts", "11", "between 0 and 10", 11),),
    ),
    # -- pe_status_check -------------------------------------------------------------------------
    Case(
        id="pe-status-check-infra-summary-lookup-default",
        plan="pe_status_check::infra_summary",
        parameters={
            "targets": {"type": "Optional[TargetSpec]", "default_value": "undef"},
            "indicator_exclusions": {
                "type": "Array[String[1]]",
                "default_value": "lookup('pe_status_check::indicator_exclusions', undef, undef, [])",
            },
        },
        typed={"param__indicator_exclusions": "S0001\nS0003"},
        sends={"indicator_exclusions": ["S0001", "S0003"]},
    ),
    Case(
        id="pe-status-check-agent-summary",
        plan="pe_status_check::agent_summary",
        json=True,
        parameters={
            "summary_only": {"type": "Boolean", "default_value": "true"},
            "log_level": {"type": "Enum[info, debug, warning]", "default_value": "info"},
            "targets": {"type": "Optional[TargetSpec]", "default_value": "undef"},
            "indicator_exclusions": {
                "type": "Array[String[1]]",
                "default_value": "lookup('pe_status_check::indicator_exclusions', undef, undef, [])",
            },
        },
        typed={"param__summary_only": "false", "param__targets": "agent01\nagent02"},
        sends={"summary_only": False, "log_level": "info", "targets": ["agent01", "agent02"]},
    ),
    # -- facts -----------------------------------------------------------------------------------
    Case(
        id="facts-one-target",
        plan="facts",
        parameters={"targets": {"type": "TargetSpec", "description": "The targets to run on"}},
        typed={"param__targets": "web01.example.com"},
        sends={"targets": "web01.example.com"},
        invalid=(Invalid("param__targets", "", "This parameter is required.", MISSING),),
    ),
    Case(
        id="facts-info-several-targets",
        plan="facts::info",
        json=True,
        parameters={"targets": {"type": "TargetSpec"}},
        typed={"param__targets": "web01.example.com\n  web02.example.com  \n\ndb01.example.com"},
        sends={"targets": ["web01.example.com", "web02.example.com", "db01.example.com"]},
    ),
    # -- reboot ----------------------------------------------------------------------------------
    Case(
        id="reboot",
        plan="reboot",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "message": {"type": "Optional[String]", "default_value": "undef"},
            "reboot_delay": {"type": "Integer[1]", "default_value": "1"},
            "disconnect_wait": {"type": "Integer[1]", "default_value": "10"},
            "reconnect_timeout": {"type": "Integer[1]", "default_value": "180"},
            "retry_interval": {"type": "Integer[1]", "default_value": "1"},
            "fail_plan_on_errors": {"type": "Boolean", "default_value": "true"},
        },
        typed={"param__targets": "app01,app02", "param__reconnect_timeout": "600", "param__message": "Kernel update"},
        sends={
            "targets": "app01,app02",
            "message": "Kernel update",
            "reboot_delay": 1,
            "disconnect_wait": 10,
            "reconnect_timeout": 600,
            "retry_interval": 1,
            "fail_plan_on_errors": True,
        },
        invalid=(
            Invalid("param__reboot_delay", "0", "must be at least 1", 0),
            Invalid("param__reconnect_timeout", "1.5", "whole number", 1.5),
            Invalid("param__retry_interval", "-3", "must be at least 1", -3),
        ),
    ),
    Case(
        id="reboot-defaults-cleared",
        plan="reboot",
        parameters={
            "targets": {"type": "TargetSpec"},
            "reboot_delay": {"type": "Integer[1]", "default_value": "1"},
            "fail_plan_on_errors": {"type": "Boolean", "default_value": "true"},
        },
        typed={"param__targets": "app01", "param__reboot_delay": ""},
        sends={"targets": "app01", "fail_plan_on_errors": True},
    ),
    # -- puppet_agent ----------------------------------------------------------------------------
    Case(
        id="puppet-agent-install",
        plan="puppet_agent::install",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "version": {"type": "Optional[String]", "default_value": "undef"},
            "collection": {
                "type": "Optional[Enum['puppet7', 'puppet8', 'puppet7-nightly', 'puppet8-nightly']]",
                "default_value": "undef",
            },
            "yum_source": {"type": "Optional[Stdlib::HTTPUrl]", "default_value": "undef"},
            "apt_source": {"type": "Optional[Stdlib::HTTPUrl]", "default_value": "undef"},
            "stop_service": {"type": "Boolean", "default_value": "false"},
            "retry": {"type": "Optional[Integer[1]]", "default_value": "5"},
        },
        typed={
            "param__targets": "new01.example.com\nnew02.example.com",
            "param__version": "8.8.1",
            "param__collection": "puppet8",
            "param__yum_source": "https://yum.example.com",
        },
        sends={
            "targets": ["new01.example.com", "new02.example.com"],
            "version": "8.8.1",
            "collection": "puppet8",
            "yum_source": "https://yum.example.com",
            "stop_service": False,
            "retry": 5,
        },
        invalid=(
            Invalid("param__yum_source", "ftp://yum.example.com", "must match"),
            Invalid("param__yum_source", "yum.example.com", "must match"),
            Invalid("param__retry", "0", "must be at least 1", 0),
        ),
    ),
    Case(
        id="puppet-agent-run-tristate",
        plan="puppet_agent::run",
        parameters={
            "targets": {"type": "TargetSpec"},
            "noop": {"type": "Optional[Boolean]", "default_value": "undef"},
            "environment": {"type": "Optional[String[1]]", "default_value": "undef"},
            "tags": {"type": "Optional[Array[String[1]]]", "default_value": "undef"},
            "splay": {"type": "Optional[Boolean]"},
        },
        typed={"param__targets": "web01", "param__noop": "true", "param__tags": "ntp\nssh"},
        sends={"targets": "web01", "noop": True, "tags": ["ntp", "ssh"], "splay": None},
    ),
    # -- os_patching -----------------------------------------------------------------------------
    Case(
        id="os-patching-patch-server",
        plan="os_patching::patch_server",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "reboot": {
                "type": "Variant[Boolean, Enum['always', 'never', 'patched', 'smart', 'default']]",
                "default_value": "'default'",
            },
            "yum_params": {"type": "Optional[String]", "default_value": "undef"},
            "dpkg_params": {"type": "Optional[String]", "default_value": "undef"},
            "timeout": {"type": "Optional[Integer]", "default_value": "3600"},
            "security_only": {"type": "Boolean", "default_value": "false"},
            "clean_cache": {"type": "Boolean", "default_value": "false"},
        },
        typed={"param__targets": "web01", "param__reboot": "smart", "param__security_only": "true"},
        sends={
            "targets": "web01",
            "reboot": "smart",
            "timeout": 3600,
            "security_only": True,
            "clean_cache": False,
        },
        invalid=(Invalid("param__reboot", "sometimes", "expects one of 'always'"),),
    ),
    Case(
        id="os-patching-reboot-as-boolean",
        plan="os_patching::patch_server",
        parameters={
            "targets": {"type": "TargetSpec"},
            "reboot": {
                "type": "Variant[Boolean, Enum['always', 'never', 'patched', 'smart', 'default']]",
                "default_value": "'default'",
            },
            "timeout": {"type": "Optional[Integer]", "default_value": "3600"},
        },
        typed={"param__targets": "web01", "param__reboot": "false", "param__timeout": ""},
        sends={"targets": "web01", "reboot": False},
    ),
    # -- terraform -------------------------------------------------------------------------------
    Case(
        id="terraform-apply",
        plan="terraform::apply",
        json=True,
        parameters={
            "dir": {"type": "Optional[String[1]]", "default_value": "undef"},
            "state": {"type": "Optional[String[1]]", "default_value": "undef"},
            "state_out": {"type": "Optional[String[1]]", "default_value": "undef"},
            "target": {"type": "Optional[Variant[String[1], Array[String[1]]]]", "default_value": "undef"},
            "var": {"type": "Optional[Hash]", "default_value": "undef"},
            "var_file": {"type": "Optional[Variant[String[1], Array[String[1]]]]", "default_value": "undef"},
            "return_output": {"type": "Boolean", "default_value": "false"},
        },
        typed={
            "param__dir": "/opt/terraform/envs/prod",
            "param__target": '["module.vpc", "module.db"]',
            "param__var": '{"region": "eu-west-1", "instance_count": 3, "spot": false}',
            "param__var_file": '"prod.tfvars"',
            "param__return_output": "true",
        },
        sends={
            "dir": "/opt/terraform/envs/prod",
            "target": ["module.vpc", "module.db"],
            "var": {"region": "eu-west-1", "instance_count": 3, "spot": False},
            "var_file": "prod.tfvars",
            "return_output": True,
        },
        invalid=(
            Invalid("param__target", '""', "needs at least 1", ""),
            Invalid("param__var_file", '["prod.tfvars", ""]', "Item [1]", ["prod.tfvars", ""]),
            Invalid("param__var", '["region"]', "expects a Hash", ["region"]),
        ),
    ),
    Case(
        id="terraform-destroy",
        plan="terraform::destroy",
        parameters={
            "dir": {"type": "Optional[String[1]]", "default_value": "undef"},
            "state": {"type": "Optional[String[1]]", "default_value": "undef"},
            "target": {"type": "Optional[Variant[String[1], Array[String[1]]]]", "default_value": "undef"},
            "var": {"type": "Optional[Hash]", "default_value": "undef"},
        },
        typed={"param__state": "/var/lib/terraform/prod.tfstate", "param__target": '"module.db"'},
        sends={"state": "/var/lib/terraform/prod.tfstate", "target": "module.db"},
    ),
    Case(
        id="terraform-initialize-nothing-typed",
        plan="terraform::initialize",
        parameters={"dir": {"type": "Optional[String[1]]", "default_value": "undef"}},
        sends={},
    ),
    # -- kubernetes ------------------------------------------------------------------------------
    Case(
        id="kubernetes-deploy",
        plan="kubernetes::deploy",
        json=True,
        parameters={
            "controllers": {"type": "TargetSpec"},
            "workers": {"type": "TargetSpec"},
            "api_server": {"type": "Stdlib::Host"},
            "api_port": {"type": "Stdlib::Port", "default_value": "6443"},
            "container_runtime": {"type": "Enum[docker, containerd, cri_containerd]", "default_value": "containerd"},
            "kubernetes_version": {"type": r"Pattern[/\A\d+\.\d+\.\d+\z/]", "default_value": "'1.28.4'"},
            "cni_provider": {"type": "Enum['flannel', 'weave', 'calico', 'cilium']", "default_value": "'calico'"},
            "pod_cidr": {"type": "Stdlib::IP::Address::V4::CIDR", "default_value": "'10.244.0.0/16'"},
            "service_cidr": {"type": "Optional[Stdlib::IP::Address::V4::CIDR]", "default_value": "undef"},
            "node_labels": {"type": "Hash[String[1], String]", "default_value": "{}"},
        },
        typed={
            "param__controllers": "k8s-cp-01",
            "param__workers": "k8s-w-01\nk8s-w-02",
            "param__api_server": "10.0.0.10",
            "param__container_runtime": "cri_containerd",
            "param__service_cidr": "10.96.0.0/12",
            "param__node_labels": '{"topology.kubernetes.io/zone": "eu-west-1a"}',
        },
        sends={
            "controllers": "k8s-cp-01",
            "workers": ["k8s-w-01", "k8s-w-02"],
            "api_server": "10.0.0.10",
            "api_port": 6443,
            "container_runtime": "cri_containerd",
            "kubernetes_version": "1.28.4",
            "cni_provider": "calico",
            "pod_cidr": "10.244.0.0/16",
            "service_cidr": "10.96.0.0/12",
            "node_labels": {"topology.kubernetes.io/zone": "eu-west-1a"},
        },
        invalid=(
            Invalid("param__api_port", "70000", "between 0 and 65535", 70000),
            Invalid("param__api_server", "k8s api!", "Stdlib::Fqdn"),
            Invalid("param__pod_cidr", "10.244.0.0", "must match"),
            Invalid("param__kubernetes_version", "v1.28.4", "must match"),
        ),
    ),
    Case(
        id="kubernetes-drain-node",
        plan="kubernetes::drain",
        parameters={
            "node": {"type": "Stdlib::Fqdn"},
            "grace_period": {"type": "Integer[0]", "default_value": "30"},
            "timeout": {"type": "Integer", "default_value": "60 * 5"},
            "delete_emptydir_data": {"type": "Boolean", "default_value": "false"},
            "ignore_daemonsets": {"type": "Boolean", "default_value": "true"},
        },
        typed={"param__node": "k8s-w-02.example.com", "param__grace_period": "0", "param__ignore_daemonsets": "false"},
        sends={
            "node": "k8s-w-02.example.com",
            "grace_period": 0,
            "delete_emptydir_data": False,
            "ignore_daemonsets": False,
        },
        invalid=(Invalid("param__node", "k8s_w_02", "must match"),),
    ),
    # -- ca_extend -------------------------------------------------------------------------------
    Case(
        id="ca-extend-untyped-parameters",
        plan="ca_extend::extend_ca_cert",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "compilers": {"type": "Optional[TargetSpec]", "default_value": "undef"},
            "ssldir": {"type": "Any", "default_value": "'/etc/puppetlabs/puppet/ssl'"},
            "regen_primary_cert": {"type": "Any", "default_value": "false"},
        },
        typed={"param__targets": "pe-primary.example.com", "param__regen_primary_cert": "true"},
        sends={"targets": "pe-primary.example.com", "ssldir": "/etc/puppetlabs/puppet/ssl", "regen_primary_cert": True},
    ),
    Case(
        id="ca-extend-upload-ca-cert",
        plan="ca_extend::upload_ca_cert",
        parameters={"targets": {"type": "TargetSpec"}, "cert": {"type": "String"}},
        typed={"param__targets": "agent01\nagent02", "param__cert": "/tmp/ca.pem"},
        sends={"targets": ["agent01", "agent02"], "cert": "/tmp/ca.pem"},
        invalid=(Invalid("param__cert", "", "This parameter is required.", MISSING),),
    ),
    Case(
        id="ca-extend-check-expiry-untyped-no-default",
        plan="ca_extend::check_ca_expiry",
        parameters={"targets": {"type": "TargetSpec"}, "date": {"type": "Any"}},
        typed={"param__targets": "pe-primary.example.com"},
        sends={"targets": "pe-primary.example.com", "date": None},
    ),
    # -- package and service ---------------------------------------------------------------------
    Case(
        id="package-action-required-enum",
        plan="package::linux",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "action": {"type": "Enum['install', 'uninstall', 'upgrade', 'status']"},
            "package": {"type": "String[1]"},
            "version": {"type": "Optional[String[1]]", "default_value": "undef"},
            "provider": {"type": "Optional[Enum['apt', 'yum', 'dnf', 'zypper']]", "default_value": "undef"},
        },
        typed={"param__targets": "web01", "param__action": "upgrade", "param__package": "openssl"},
        sends={"targets": "web01", "action": "upgrade", "package": "openssl"},
        invalid=(Invalid("param__action", "", "This parameter is required.", MISSING),),
    ),
    Case(
        id="package-stdlib-ensure-package",
        plan="package::ensure",
        parameters={
            "targets": {"type": "TargetSpec"},
            "package": {"type": "String[1]"},
            "ensure": {"type": "Stdlib::Ensure::Package", "default_value": "'present'"},
        },
        typed={"param__targets": "db01", "param__package": "postgresql16", "param__ensure": "16.2-1PGDG.rhel9"},
        sends={"targets": "db01", "package": "postgresql16", "ensure": "16.2-1PGDG.rhel9"},
    ),
    Case(
        id="service-stdlib-ensure-service",
        plan="service::manage",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "service": {"type": "String[1]"},
            "ensure": {"type": "Stdlib::Ensure::Service", "default_value": "'running'"},
            "enable": {"type": "Optional[Boolean]", "default_value": "undef"},
        },
        typed={
            "param__targets": "web01",
            "param__service": "nginx",
            "param__ensure": "stopped",
            "param__enable": "false",
        },
        sends={"targets": "web01", "service": "nginx", "ensure": "stopped", "enable": False},
        invalid=(Invalid("param__ensure", "restarted", "expects one of 'stopped', 'running'"),),
    ),
    Case(
        id="service-restart-list",
        plan="service::restart",
        parameters={
            "targets": {"type": "TargetSpec"},
            "services": {"type": "Array[String[1], 1]"},
            "wait_seconds": {"type": "Integer[0, 300]", "default_value": "5"},
        },
        typed={"param__targets": "web01", "param__services": "nginx\nphp-fpm"},
        sends={"targets": "web01", "services": ["nginx", "php-fpm"], "wait_seconds": 5},
        invalid=(
            Invalid("param__services", "", "This parameter is required.", MISSING),
            Invalid("param__wait_seconds", "301", "between 0 and 300", 301),
        ),
    ),
    # -- deploy ----------------------------------------------------------------------------------
    Case(
        id="deploy-code-environments",
        plan="deploy::code",
        json=True,
        parameters={
            "environments": {"type": r"Array[Pattern[/\A[a-z0-9_]+\z/], 1]"},
            "wait": {"type": "Boolean", "default_value": "true"},
            "timeout": {"type": "Optional[Integer[1]]", "default_value": "undef"},
            "scope": {"type": "Enum[all, modules, environments]", "default_value": "all"},
        },
        typed={"param__environments": "production\nfeature_abc", "param__timeout": "900"},
        sends={"environments": ["production", "feature_abc"], "wait": True, "timeout": 900, "scope": "all"},
        invalid=(
            Invalid("param__environments", "production\nFeature-X", "Item [1] must match", ["production", "Feature-X"]),
        ),
    ),
    Case(
        id="deploy-release-module-alias-unknown-here",
        plan="webapp::deploy",
        type_aliases=WEBAPP,
        parameters={
            "targets": {"type": "TargetSpec"},
            "version": {"type": "Webapp::Version"},
            "previous": {"type": "Optional[Webapp::Version]"},
            "canary": {"type": "Optional[Webapp::Version]", "default_value": "undef"},
        },
        typed={"param__targets": "app01\napp02", "param__version": "1.4.2-rc.1"},
        sends={"targets": ["app01", "app02"], "version": "1.4.2-rc.1", "previous": None},
        invalid=(Invalid("param__version", "", "This parameter is required.", MISSING),),
    ),
    Case(
        id="deploy-release-module-alias-known-here",
        plan="webapp::release",
        type_aliases=WEBAPP,
        app_knows=True,
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "release": {"type": "Webapp::Release", "description": "Version, channel and artifact"},
            "restart": {"type": "Boolean", "default_value": "webapp::needs_restart($release)"},
        },
        typed={
            "param__targets": "app01",
            "param__release": '{"version": "1.4.2", "artifact_url": "https://artifacts.example.com/webapp-1.4.2.tgz"}',
            "param__restart": "true",
        },
        sends={
            "targets": "app01",
            "release": {"version": "1.4.2", "artifact_url": "https://artifacts.example.com/webapp-1.4.2.tgz"},
            "restart": True,
        },
        invalid=(
            Invalid("param__release", '{"version": "1.4.2"}', "needs the key 'artifact_url'", {"version": "1.4.2"}),
            Invalid(
                "param__release",
                '{"version": "1.4", "artifact_url": "https://a.example.com/x"}',
                "The key version must match",
                {"version": "1.4", "artifact_url": "https://a.example.com/x"},
            ),
            Invalid(
                "param__release",
                '{"version": "1.4.2", "channel": "nightly", "artifact_url": "https://a.example.com/x"}',
                "expects one of 'stable', 'beta'",
                {"version": "1.4.2", "channel": "nightly", "artifact_url": "https://a.example.com/x"},
            ),
        ),
    ),
    # -- backup ----------------------------------------------------------------------------------
    Case(
        id="backup-snapshot-variant-retention",
        plan="backup::snapshot",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "retention": {"type": "Variant[Integer[1, 365], Enum['forever']]", "default_value": "30"},
            "labels": {"type": "Optional[Hash[String, String]]"},
            "compress": {"type": "Boolean", "default_value": "true"},
            "destination": {"type": "Stdlib::Absolutepath", "default_value": "'/var/backups'"},
        },
        typed={"param__targets": "db01", "param__retention": "forever", "param__destination": "D:\\backups"},
        sends={
            "targets": "db01",
            "retention": "forever",
            "labels": None,
            "compress": True,
            "destination": "D:\\backups",
        },
        invalid=(
            Invalid("param__retention", "400", "between 1 and 365", 400),
            Invalid("param__destination", "backups", "Stdlib::Windowspath or Stdlib::Unixpath"),
        ),
    ),
    Case(
        id="backup-snapshot-retention-days",
        plan="backup::snapshot",
        parameters={
            "targets": {"type": "TargetSpec"},
            "retention": {"type": "Variant[Integer[1, 365], Enum['forever']]", "default_value": "30"},
        },
        typed={"param__targets": "db01", "param__retention": "7"},
        sends={"targets": "db01", "retention": 7},
    ),
    Case(
        id="backup-database-datasize-filemode",
        plan="backup::database",
        parameters={
            "targets": {"type": "TargetSpec"},
            "engine": {"type": "Enum['postgresql', 'mysql']"},
            "database": {"type": "String[1]"},
            "max_size": {"type": "Stdlib::Datasize", "default_value": "'10G'"},
            "mode": {"type": "Stdlib::Filemode", "default_value": "'0640'"},
            "db_password": {"type": "Sensitive[String[1]]"},
        },
        typed={
            "param__targets": "db01",
            "param__engine": "postgresql",
            "param__database": "app",
            "param__max_size": "512M",
            "param__mode": "u=rw,g=r,o=",
            "param__db_password": "pg-Secret-42",
        },
        sends={
            "targets": "db01",
            "engine": "postgresql",
            "database": "app",
            "max_size": "512M",
            "mode": "u=rw,g=r,o=",
            "db_password": "pg-Secret-42",
        },
        invalid=(
            Invalid("param__max_size", "10 GB", "must match"),
            Invalid("param__mode", "999", "must match"),
            Invalid("param__engine", "oracle", "expects one of 'postgresql', 'mysql'"),
        ),
    ),
    # -- stdlib's aliases ------------------------------------------------------------------------
    Case(
        id="stdlib-hosts-and-addresses",
        plan="network::check",
        json=True,
        parameters={
            "host": {"type": "Stdlib::Host"},
            "fqdn": {"type": "Stdlib::Fqdn"},
            "address": {"type": "Stdlib::IP::Address"},
            "gateway": {"type": "Stdlib::IP::Address::Nosubnet"},
            "subnet": {"type": "Stdlib::IP::Address::V4::CIDR"},
        },
        typed={
            "param__host": "db01.example.com",
            "param__fqdn": "example.com",
            "param__address": "fe80::1",
            "param__gateway": "10.1.0.1",
            "param__subnet": "10.1.0.0/16",
        },
        sends={
            "host": "db01.example.com",
            "fqdn": "example.com",
            "address": "fe80::1",
            "gateway": "10.1.0.1",
            "subnet": "10.1.0.0/16",
        },
        invalid=(
            Invalid("param__gateway", "10.1.0.1/24", "Nosubnet"),
            Invalid("param__fqdn", "-bad-.example.com", "must match"),
            Invalid("param__address", "10.1.0.256", "Stdlib::IP::Address"),
        ),
    ),
    Case(
        id="stdlib-urls",
        plan="repo::mirror",
        parameters={
            "repo_url": {"type": "Stdlib::HTTPSUrl"},
            "proxy": {"type": "Stdlib::HTTPUrl", "default_value": "'http://proxy.example.com:3128'"},
            "mirror": {"type": "Optional[Stdlib::HTTPUrl]"},
        },
        typed={"param__repo_url": "HTTPS://Forge.Example.com/modules"},
        sends={
            "repo_url": "HTTPS://Forge.Example.com/modules",
            "proxy": "http://proxy.example.com:3128",
            "mirror": None,
        },
        invalid=(
            Invalid("param__repo_url", "http://forge.example.com", "must match"),
            Invalid("param__mirror", "mirror.example.com", "must match"),
        ),
    ),
    Case(
        id="stdlib-ports",
        plan="firewall::open",
        json=True,
        parameters={
            "port": {"type": "Stdlib::Port"},
            "app_port": {"type": "Stdlib::Port::Unprivileged", "default_value": "8080"},
            "ports": {"type": "Array[Stdlib::Port, 1]", "default_value": "[8140, 8142]"},
        },
        typed={"param__port": "0", "param__ports": "443\n8443"},
        sends={"port": 0, "app_port": 8080, "ports": [443, 8443]},
        invalid=(
            Invalid("param__app_port", "80", "between 1024 and 65535", 80),
            Invalid("param__ports", "443\nhttps", "whole number", [443, "https"]),
            Invalid("param__port", "65536", "between 0 and 65535", 65536),
        ),
    ),
    Case(
        id="stdlib-ports-default-list-untouched",
        plan="firewall::open",
        parameters={"ports": {"type": "Array[Stdlib::Port, 1]", "default_value": "[8140, 8142]"}},
        sends={"ports": [8140, 8142]},
    ),
    Case(
        id="stdlib-yes-no-mac-email",
        plan="network::register",
        parameters={
            "confirm": {"type": "Stdlib::Yes_no"},
            "mac": {"type": "Stdlib::MAC"},
            "contact": {"type": "Optional[Stdlib::Email]", "default_value": "undef"},
        },
        typed={"param__confirm": "YES", "param__mac": "00:1A:2b:3C:4d:5E", "param__contact": "noc+pe@example.com"},
        sends={"confirm": "YES", "mac": "00:1A:2b:3C:4d:5E", "contact": "noc+pe@example.com"},
        invalid=(
            Invalid("param__confirm", "y", "must match"),
            Invalid("param__mac", "00:1A:2b:3C:4d", "must match"),
        ),
    ),
    Case(
        id="stdlib-enums-and-status",
        plan="monitor::configure",
        json=True,
        parameters={
            "facility": {"type": "Stdlib::Syslogfacility", "default_value": "'local0'"},
            "ensure": {"type": "Stdlib::Ensure::File", "default_value": "'file'"},
            "expect": {"type": "Stdlib::Http::Status", "default_value": "200"},
            "legacy_expect": {"type": "Stdlib::HttpStatus", "default_value": "200"},
            "method": {"type": "Stdlib::Http::Method", "default_value": "'GET'"},
        },
        typed={
            "param__facility": "local7",
            "param__ensure": "directory",
            "param__expect": "204",
            "param__method": "HEAD",
        },
        sends={"facility": "local7", "ensure": "directory", "expect": 204, "legacy_expect": 200, "method": "HEAD"},
        invalid=(Invalid("param__expect", "99", "between 100 and 599", 99),),
    ),
    Case(
        id="stdlib-object-store-base64-filesource",
        plan="files::fetch",
        parameters={
            "bucket": {"type": "Stdlib::ObjectStore"},
            "blob": {"type": "Stdlib::Base64"},
            "source": {"type": "Stdlib::Filesource"},
        },
        typed={
            "param__bucket": "s3://backups/pe",
            "param__blob": "aGVsbG8=",
            "param__source": "puppet:///modules/site/motd",
        },
        sends={"bucket": "s3://backups/pe", "blob": "aGVsbG8=", "source": "puppet:///modules/site/motd"},
        invalid=(
            Invalid("param__bucket", "https://storage.example.com/backups", "Stdlib::ObjectStore::GSUri"),
            Invalid("param__blob", "aGVsbG8===", "must match"),
            Invalid("param__source", "modules/site/motd", "Stdlib::Absolutepath"),
        ),
    ),
    Case(
        id="stdlib-lists-of-addresses",
        plan="dns::configure",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "nameservers": {"type": "Array[Stdlib::IP::Address::V4::Nosubnet, 1, 3]"},
            "search": {"type": "Optional[Array[Stdlib::Fqdn]]"},
            "options": {
                "type": "Struct[{timeout => Integer[1, 30], attempts => Optional[Integer[1, 5]]}]",
                "default_value": "{timeout => 2}",
            },
        },
        typed={"param__targets": "all", "param__nameservers": "10.1.0.2\n10.1.0.3"},
        sends={"targets": "all", "nameservers": ["10.1.0.2", "10.1.0.3"], "search": None, "options": {"timeout": 2}},
        invalid=(
            Invalid("param__nameservers", "10.1.0.2\n10.1.0.3\n10.1.0.4\n10.1.0.5", "1 to 3 items", ["10.1.0.2"] * 4),
            Invalid("param__options", '{"timeout": 0}', "The key timeout must be between 1 and 30", {"timeout": 0}),
        ),
    ),
    Case(
        id="stdlib-names-in-another-case",
        plan="files::sync",
        parameters={
            "dir": {"type": "Stdlib::AbsolutePath"},
            "peer": {"type": "Stdlib::Ip::Address"},
            "port": {"type": "STDLIB::PORT", "default_value": "873"},
        },
        typed={"param__dir": "/srv/data", "param__peer": "192.0.2.10"},
        sends={"dir": "/srv/data", "peer": "192.0.2.10", "port": 873},
        invalid=(Invalid("param__dir", "srv/data", "Stdlib::Windowspath or Stdlib::Unixpath"),),
    ),
    # -- TargetSpec, however spelt -----------------------------------------------------------------
    Case(
        id="targetspec-spellings",
        plan="ops::spread",
        json=True,
        parameters={
            "a": {"type": "Boltlib::TargetSpec"},
            "b": {"type": "BoltLib::TargetSpec"},
            "c": {"type": "Boltlib::Targetspec"},
            "d": {"type": "Optional[TargetSpec]"},
            "e": {"type": "TARGETSPEC"},
        },
        typed={"param__a": "web01", "param__b": "web01\nweb02", "param__c": "all", "param__e": "ssh://root@web03:2222"},
        sends={"a": "web01", "b": ["web01", "web02"], "c": "all", "d": None, "e": "ssh://root@web03:2222"},
    ),
    Case(
        id="targetspec-nested-list-and-literal-default",
        plan="ops::fanout",
        parameters={
            "groups": {"type": "Array[TargetSpec]"},
            "targets": {"type": "TargetSpec", "default_value": "'localhost'"},
            "jump": {"type": "TargetSpec", "default_value": "get_targets('bastion')[0]"},
        },
        typed={"param__groups": '["web01", ["db01", "db02"], "cache*"]'},
        sends={"groups": ["web01", ["db01", "db02"], "cache*"], "targets": "localhost"},
        invalid=(Invalid("param__groups", '["web01", ""]', "Item [1]", ["web01", ""]),),
    ),
    # -- Sensitive, at every depth --------------------------------------------------------------
    Case(
        id="sensitive-top-level-kinds",
        plan="vault::seed",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "token": {"type": "Sensitive[String[1]]"},
            "pin": {"type": "Sensitive[Integer]"},
            "keys": {"type": "Sensitive[Array[String]]"},
            "env": {"type": "Sensitive[Hash[String, String]]"},
        },
        typed={
            "param__targets": "vault01",
            "param__token": "hvs.CAESIJ",
            "param__pin": "4821",
            "param__keys": '["k1", "k2"]',
            "param__env": '{"VAULT_ADDR": "https://vault01:8200"}',
        },
        sends={
            "targets": "vault01",
            "token": "hvs.CAESIJ",
            "pin": 4821,
            "keys": ["k1", "k2"],
            "env": {"VAULT_ADDR": "https://vault01:8200"},
        },
        invalid=(
            Invalid("param__pin", "four-eight-two-one", "whole number"),
            Invalid("param__keys", '{"k1": "v"}', "expects an Array", {"k1": "v"}),
        ),
    ),
    Case(
        id="sensitive-top-level-general-form-only",
        plan="users::rotate_keys",
        parameters={
            "user": {"type": "String[1, 32]"},
            "passphrase": {"type": "Sensitive[String[12]]", "description": "Puppet 7 checks String, not its size"},
            "bare": {"type": "Sensitive"},
        },
        typed={"param__user": "deploy", "param__passphrase": "short", "param__bare": '"anything"'},
        sends={"user": "deploy", "passphrase": "short", "bare": "anything"},
    ),
    Case(
        id="sensitive-defaults-never-shown",
        plan="db::provision",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "root_password": {"type": "Sensitive[String]", "default_value": "Sensitive(lookup('db::root_password'))"},
            "app_password": {"type": "Sensitive[String[1]]", "default_value": "Sensitive('changeme')"},
            "replication_key": {"type": "Optional[Sensitive[String]]", "default_value": "undef"},
            "keys": {"type": "Array[Sensitive[String]]", "default_value": "[]"},
        },
        typed={"param__targets": "db01"},
        sends={"targets": "db01"},
    ),
    Case(
        id="sensitive-nested-only-empty-works",
        plan="webapp::release_token",
        parameters={
            "targets": {"type": "TargetSpec"},
            "registry_token": {"type": "Optional[Sensitive[String[1]]]"},
            "join_token": {"type": "Optional[Sensitive[String[1]]]", "default_value": "undef"},
            "credentials": {"type": "Optional[Struct[{user => String[1], password => Sensitive[String[1]]}]]"},
            "keys": {"type": "Array[Sensitive[String]]", "default_value": "[]"},
            "vault": {"type": "Hash[String, Sensitive[String]]", "default_value": "{}"},
            "more": {"type": "Optional[Array[Sensitive[String[1]]]]"},
        },
        typed={"param__targets": "app01"},
        sends={"targets": "app01", "registry_token": None, "credentials": None, "more": None},
        invalid=(
            Invalid("param__registry_token", "ghp_TopSecretToken", "only a type that starts with Sensitive is wrapped"),
            Invalid(
                "param__credentials",
                '{"user": "ci", "password": "TopSecretPw1"}',
                "Sensitive",
                {"user": "ci", "password": "TopSecretPw1"},
            ),
            Invalid("param__keys", '["TopSecretKey1"]', "Sensitive", ["TopSecretKey1"]),
        ),
    ),
    Case(
        id="sensitive-or-plain-variant",
        plan="db::connect",
        parameters={
            "host": {"type": "Stdlib::Host"},
            "password": {"type": "Variant[String[1], Sensitive[String[1]]]"},
        },
        typed={"param__host": "db01.example.com", "param__password": "plain-Secret-1"},
        sends={"host": "db01.example.com", "password": "plain-Secret-1"},
    ),
    Case(
        id="sensitive-through-an-alias-known-here",
        plan="profile::api_client",
        type_aliases=PROFILE,
        app_knows=True,
        parameters={
            "endpoint": {"type": "Profile::Endpoint"},
            "token": {"type": "Optional[Profile::Secret]"},
            "fallback": {"type": "Optional[Profile::Secret]", "default_value": "undef"},
        },
        typed={"param__endpoint": '{"host": "api.example.com", "port": 443}'},
        sends={"endpoint": {"host": "api.example.com", "port": 443}, "token": None},
        invalid=(
            Invalid("param__token", "TopSecretApiToken", "Sensitive"),
            Invalid(
                "param__endpoint",
                '{"host": "api.example.com", "port": "443"}',
                "The key port",
                {"host": "api.example.com", "port": "443"},
            ),
        ),
    ),
    # -- defaults that do not fit their type -------------------------------------------------------
    Case(
        id="defaults-that-do-not-fit-their-type",
        plan="db::provision",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "platform": {"type": "String", "default_value": "undef"},
            "app_password": {"type": "Sensitive[String[1]]", "default_value": "'changeme'"},
            "extra_secrets": {"type": "Sensitive[Hash[String, String]]", "default_value": "{}"},
            "timeout": {"type": "Float", "default_value": "5"},
            "force": {"type": "Boolean", "default_value": "undef"},
            "engine": {"type": "Enum['postgresql', 'mysql']", "default_value": "undef"},
        },
        typed={
            "param__targets": "db01",
            "param__platform": "el9",
            "param__app_password": "App-Pw-2024",
            "param__extra_secrets": '{"API_KEY": "k-1"}',
            "param__engine": "mysql",
        },
        sends={
            "targets": "db01",
            "platform": "el9",
            "app_password": "App-Pw-2024",
            "extra_secrets": {"API_KEY": "k-1"},
            "timeout": 5.0,
            "force": False,
            "engine": "mysql",
        },
        invalid=(
            Invalid("param__platform", "", "This parameter is required.", MISSING, DEFAULTS_UNCHECKED),
            Invalid("param__app_password", "", "This parameter is required.", MISSING, DEFAULTS_UNCHECKED),
            Invalid("param__extra_secrets", "", "This parameter is required.", MISSING, DEFAULTS_UNCHECKED),
            Invalid("param__timeout", "", "This parameter is required.", MISSING, DEFAULTS_UNCHECKED),
            Invalid("param__engine", "", "This parameter is required.", MISSING, DEFAULTS_UNCHECKED),
        ),
    ),
    # -- an administrator's aliases -----------------------------------------------------------------
    Case(
        id="profile-aliases-known-here",
        plan="profile::scale",
        type_aliases=PROFILE,
        app_knows=True,
        json=True,
        parameters={
            "tier": {"type": "Profile::Tier"},
            "replicas": {"type": "Profile::Replicas", "default_value": "3"},
            "names": {"type": "Profile::Hostnames"},
            "standby": {"type": "Optional[Profile::Tier]"},
        },
        typed={"param__tier": "db", "param__replicas": "5", "param__names": "db01.example.com\ndb02.example.com"},
        sends={"tier": "db", "replicas": 5, "names": ["db01.example.com", "db02.example.com"], "standby": None},
        invalid=(
            Invalid("param__replicas", "10", "between 1 and 9", 10),
            Invalid("param__names", "db01.example.com\ndb_02", "Item [1] must match", ["db01.example.com", "db_02"]),
            Invalid("param__tier", "queue", "expects one of 'web', 'db', 'cache'"),
        ),
    ),
    Case(
        id="profile-aliases-unknown-here",
        plan="profile::scale",
        type_aliases={k: v for k, v in PROFILE.items() if k in ("Profile::Tier", "Profile::Hostnames")},
        parameters={
            "tier": {"type": "Profile::Tier"},
            "standby": {"type": "Optional[Profile::Tier]"},
            "other": {"type": "Profile::Tier", "default_value": "'cache'"},
            "names": {"type": "Array[Profile::Tier]", "default_value": "['web']"},
        },
        typed={"param__tier": "db", "param__names": "web\ncache"},
        sends={"tier": "db", "standby": None, "other": "cache", "names": ["web", "cache"]},
        invalid=(Invalid("param__tier", "", "This parameter is required.", MISSING),),
    ),
    Case(
        id="profile-alias-in-another-case",
        plan="profile::scale",
        type_aliases=PROFILE,
        app_knows=True,
        parameters={"tier": {"type": "PROFILE::TIER"}, "replicas": {"type": "Profile::REPLICAS"}},
        typed={"param__tier": "cache", "param__replicas": "2"},
        sends={"tier": "cache", "replicas": 2},
    ),
    # -- Optional, with and without a default ---------------------------------------------------
    Case(
        id="optionals-without-default-are-null",
        plan="ops::optional_nulls",
        json=True,
        parameters=NO_DEFAULT_OPTIONALS,
        sends=dict.fromkeys(NO_DEFAULT_OPTIONALS),
    ),
    Case(
        id="optionals-without-default-typed",
        plan="ops::optional_values",
        parameters=NO_DEFAULT_OPTIONALS,
        typed={
            "param__note": "hello",
            "param__count": "0",
            "param__ratio": "2",
            "param__flag": "false",
            "param__mode": "safe",
            "param__hosts": "a\nb",
            "param__extra": '{"k": [1, 2]}',
            "param__either": "x",
            "param__anything": "null",
            "param__data": '{"nested": {"deep": [true, null]}}',
        },
        sends={
            "note": "hello",
            "count": 0,
            "ratio": 2.0,
            "flag": False,
            "mode": "safe",
            "hosts": ["a", "b"],
            "extra": {"k": [1, 2]},
            "either": "x",
            "anything": None,
            "data": {"nested": {"deep": [True, None]}},
        },
        invalid=(
            Invalid("param__count", "1.0", "whole number", 1.0),
            Invalid("param__ratio", "half", "number"),
            Invalid("param__extra", '"text"', "expects a Hash", "text"),
        ),
    ),
    Case(
        id="optionals-with-defaults",
        plan="ops::optional_defaults",
        parameters={
            "greeting": {"type": "Optional[String]", "default_value": "'hi'"},
            "retries": {"type": "Optional[Integer]", "default_value": "3"},
            "verbose": {"type": "Optional[Boolean]", "default_value": "true"},
            "cleared": {"type": "Optional[String]", "default_value": "'gone'"},
            "mode": {"type": "Optional[Enum['fast', 'safe']]", "default_value": "undef"},
        },
        typed={"param__cleared": ""},
        sends={"greeting": "hi", "retries": 3, "verbose": True},
    ),
    # -- Booleans ------------------------------------------------------------------------------------
    Case(
        id="booleans-literal-computed-undef",
        plan="ops::toggles",
        json=True,
        parameters={
            "noop": {"type": "Boolean", "default_value": "false"},
            "force": {"type": "Boolean"},
            "on_windows": {"type": "Boolean", "default_value": "$facts['os']['family'] == 'windows'"},
            "compress": {"type": "Boolean", "default_value": "$format ? { 'json' => false, default => true }"},
            "maybe": {"type": "Optional[Boolean]", "default_value": "undef"},
            "cleanup": {"type": "Boolean", "default_value": "ops::cleanup_by_default()"},
            "dry": {"type": "Boolean", "default_value": "true"},
        },
        typed={"param__compress": "false", "param__maybe": "true", "param__dry": "false"},
        sends={"noop": False, "force": False, "compress": False, "maybe": True, "dry": False},
    ),
    Case(
        id="booleans-all-set",
        plan="ops::toggles",
        parameters={
            "force": {"type": "Boolean"},
            "on_windows": {"type": "Boolean", "default_value": "$facts['os']['family'] == 'windows'"},
            "maybe": {"type": "Optional[Boolean]", "default_value": "undef"},
        },
        typed={"param__force": "true", "param__on_windows": "true", "param__maybe": "false"},
        sends={"force": True, "on_windows": True, "maybe": False},
        invalid=(Invalid("param__on_windows", "yes", "true or false"),),
    ),
    # -- numbers -------------------------------------------------------------------------------------
    Case(
        id="numbers-bounds-and-decimals",
        plan="ops::tune",
        json=True,
        parameters={
            "batch": {"type": "Integer[1, 10]", "default_value": "1"},
            "ratio": {"type": "Float[0.0, 1.0]"},
            "threshold": {"type": "Numeric"},
            "timeout": {"type": "Float", "default_value": "2.5"},
            "offset": {"type": "Integer[0]", "default_value": "0"},
            "max": {"type": "Integer[-1, default]", "default_value": "-1"},
            "scale": {"type": "Float"},
        },
        typed={"param__ratio": "1", "param__threshold": "5", "param__timeout": "5", "param__scale": "1e3"},
        sends={"batch": 1, "ratio": 1.0, "threshold": 5, "timeout": 5.0, "offset": 0, "max": -1, "scale": 1000.0},
        invalid=(
            Invalid("param__ratio", "1.5", "between 0.0 and 1.0", 1.5),
            Invalid("param__batch", "11", "between 1 and 10", 11),
            Invalid("param__batch", "abc", "whole number"),
            Invalid("param__max", "-2", "at least -1", -2),
            Invalid("param__threshold", "five", "number"),
        ),
    ),
    Case(
        id="numbers-decimal-typed-for-numeric",
        plan="ops::tune",
        parameters={
            # Numeric takes no bounds in Puppet: modules bound it as a Variant.
            "threshold": {"type": "Variant[Integer[0, 100], Float[0, 100]]"},
            "weight": {"type": "Optional[Float[0]]", "default_value": "0.5"},
        },
        typed={"param__threshold": "99.5", "param__weight": "3"},
        sends={"threshold": 99.5, "weight": 3.0},
        invalid=(
            Invalid("param__threshold", "100.5", "between 0 and 100", 100.5),
            Invalid("param__weight", "-0.1", "at least 0", -0.1),
        ),
    ),
    Case(
        id="numbers-octal-hex-and-exponent-defaults",
        plan="ops::umask",
        parameters={
            "umask": {"type": "Integer", "default_value": "0022"},
            "mode": {"type": "Integer[0, 4095]", "default_value": "0644"},
            "flags": {"type": "Integer", "default_value": "0x1F"},
            "limit": {"type": "Float", "default_value": "1.5e3"},
        },
        sends={"umask": 18, "mode": 420, "flags": 31, "limit": 1500.0},
    ),
    Case(
        id="numbers-integer-lists",
        plan="ops::ports",
        json=True,
        parameters={
            "ports": {"type": "Array[Integer[1, 65535]]"},
            "weights": {"type": "Array[Float]", "default_value": "[0.5, 0.5]"},
            "mixed": {"type": "Array[Variant[Integer, String]]"},
            "levels": {"type": "Array[Enum['low', 'high']]", "default_value": "['low']"},
        },
        typed={"param__ports": "22\n80\n443", "param__weights": "1\n2.5", "param__mixed": "80\nhttp\n8080"},
        sends={"ports": [22, 80, 443], "weights": [1.0, 2.5], "mixed": [80, "http", 8080], "levels": ["low"]},
        invalid=(
            Invalid("param__ports", "22\n0", "between 1 and 65535", [22, 0]),
            Invalid("param__levels", "low\nmedium", "expects one of 'low', 'high'", ["low", "medium"]),
        ),
    ),
    # -- strings and patterns -------------------------------------------------------------------------
    Case(
        id="strings-sizes-and-literal-defaults",
        plan="ops::labels",
        json=True,
        parameters={
            "name": {"type": "String[1]"},
            "code": {"type": "String[3, 10]"},
            "suffix": {"type": "String", "default_value": "''"},
            "windows_dir": {"type": "String", "default_value": "'C:\\\\ProgramData\\\\PuppetLabs'"},
            "legacy_dir": {"type": "String", "default_value": "'C:\\Temp'"},
            "quoted": {"type": "String", "default_value": "'don\\'t'"},
            "doubled": {"type": "String", "default_value": '"plain text"'},
            "interpolated": {"type": "String", "default_value": "\"${facts['networking']['fqdn']}\""},
        },
        typed={"param__name": "  web  ", "param__code": "abc"},  # a String is sent as typed, spaces and all
        sends={
            "name": "  web  ",
            "code": "abc",
            "windows_dir": "C:\\ProgramData\\PuppetLabs",
            "legacy_dir": "C:\\Temp",
            "quoted": "don't",
            "doubled": "plain text",
        },
        invalid=(
            Invalid("param__code", "ab", "needs 3 to 10 characters", "ab"),
            Invalid("param__code", "abcdefghijk", "needs 3 to 10 characters", "abcdefghijk"),
        ),
    ),
    Case(
        id="ruby-regexes",
        plan="git::checkout",
        json=True,
        parameters={
            "name": {"type": r"Pattern[/\A[[:alnum:]._-]+\z/]"},
            "commit": {"type": r"Pattern[/\A\h{7,40}\z/]"},
            "tag": {"type": r"Pattern[/^v\d+\.\d+/]"},
            "version": {"type": r"Pattern[/\A(?<major>\d+)\.(?<minor>\d+)\z/]"},
            "word": {"type": r"Pattern[/\A\p{Alpha}+\z/]"},
            "ending": {"type": r"Pattern[/\A[a-z]+\Z/]"},
            "env": {"type": "Pattern[/prod/]"},
            "either": {"type": r"Pattern[/\A\d+\z/, /\Aauto\z/]"},
            "ascii_word": {"type": r"Pattern[/\A\w+\z/]", "default_value": "'abc_123'"},
        },
        typed={
            "param__name": "naïve-01.app",
            "param__commit": "3f2a9c1",
            "param__tag": "v1.2-rc1",
            "param__version": "10.24",
            "param__word": "café",
            "param__ending": "abc",
            "param__env": "pre-production-eu",
            "param__either": "auto",
        },
        sends={
            "name": "naïve-01.app",
            "commit": "3f2a9c1",
            "tag": "v1.2-rc1",
            "version": "10.24",
            "word": "café",
            "ending": "abc",
            "env": "pre-production-eu",
            "either": "auto",
            "ascii_word": "abc_123",
        },
        invalid=(
            # Ruby's \w is ASCII only; Python's would take it.
            Invalid("param__ascii_word", "café", "must match"),
            Invalid("param__commit", "xyz1234", "must match"),
            Invalid("param__tag", "release v1.2", "must match"),
            Invalid("param__name", "web 01", "must match"),
            Invalid("param__word", "abc1", "must match"),
            Invalid("param__env", "staging", "must match"),
            Invalid("param__either", "manual", r"/\A\d+\z/ or /\Aauto\z/"),
        ),
    ),
    Case(
        id="enums-quoting-styles",
        plan="ops::enums",
        parameters={
            "bare": {"type": "Enum[present, absent]"},
            "double": {"type": 'Enum["present", "absent"]', "default_value": '"absent"'},
            "bare_default": {"type": "Enum[running, stopped]", "default_value": "running"},
            "spaced": {"type": "Enum[ 'a-b' , 'c d' ]"},
        },
        typed={"param__bare": "present", "param__spaced": "c d"},
        sends={"bare": "present", "double": "absent", "bare_default": "running", "spaced": "c d"},
        invalid=(Invalid("param__bare", "Present", "expects one of 'present', 'absent'"),),
    ),
    # -- structures -------------------------------------------------------------------------------------
    Case(
        id="structs-tuples-hashes",
        plan="ops::structures",
        json=True,
        parameters={
            "service": {
                "type": "Struct[{\n    name               => String[1],\n    Optional[port]     => Stdlib::Port,\n"
                "    tags               => Optional[Array[String]],\n  }]"
            },
            "victim": {"type": "Tuple[String, Integer[1, 100]]"},
            "pair": {"type": "Tuple[Enum['a', 'b'], Integer, 1, 2]"},
            "firewall": {"type": "Hash[String[1], Array[Stdlib::Port]]"},
            "checks": {"type": "Array[Struct[{url => Stdlib::HTTPUrl, expect => Optional[Integer]}], 1]"},
        },
        typed={
            "param__service": '{"name": "api"}',
            "param__victim": '["web01", 50]',
            "param__pair": '["b"]',
            "param__firewall": '{"web": [80, 443], "ssh": [22]}',
            "param__checks": '[{"url": "http://web01/health"}, {"url": "https://web02/health", "expect": 204}]',
        },
        sends={
            "service": {"name": "api"},
            "victim": ["web01", 50],
            "pair": ["b"],
            "firewall": {"web": [80, 443], "ssh": [22]},
            "checks": [{"url": "http://web01/health"}, {"url": "https://web02/health", "expect": 204}],
        },
        invalid=(
            Invalid("param__victim", '["web01", 500]', "Item [1] must be between 1 and 100", ["web01", 500]),
            Invalid("param__pair", '["b", 1, 2]', "1 to 2 items", ["b", 1, 2]),
            Invalid("param__service", '{"port": 80}', "needs the key 'name'", {"port": 80}),
            Invalid("param__checks", "[]", "needs at least 1 items", []),
        ),
    ),
    Case(
        id="structures-literal-defaults",
        plan="ops::structure_defaults",
        parameters={
            "labels": {"type": "Hash[String, String]", "default_value": "{ 'env' => 'prod', 'tier' => 'web' }"},
            "layout": {
                "type": "Hash[String, Variant[Array[Integer], Hash[String, Boolean]]]",
                "default_value": "{\n  'a' => [1, 2], # the first\n  'b' => { 'c' => true },\n}",
            },
            "empty_list": {"type": "Array[String]", "default_value": "[]"},
            "computed_list": {"type": "Array[String]", "default_value": "[$facts['networking']['fqdn']]"},
            "computed_hash": {"type": "Hash", "default_value": "{ 'host' => $trusted['certname'] }"},
            "nested": {"type": "Optional[Variant[Stdlib::Fqdn, Array[Stdlib::Fqdn, 1]]]", "default_value": "undef"},
        },
        typed={"param__nested": '["ns1.example.com", "ns2.example.com"]'},
        sends={
            "labels": {"env": "prod", "tier": "web"},
            "layout": {"a": [1, 2], "b": {"c": True}},
            "empty_list": [],
            "nested": ["ns1.example.com", "ns2.example.com"],
        },
        invalid=(
            Invalid("param__nested", "[]", "needs at least 1 items", []),
            Invalid("param__labels", '{"env": 1}', "expects a String", {"env": 1}),
        ),
    ),
    Case(
        id="data-and-scalar-types",
        plan="ops::passthrough",
        json=True,
        parameters={
            "payload": {"type": "Data"},
            "config": {"type": "Hash[String, Data]", "default_value": "{}"},
            "value": {"type": "Scalar"},
            "plain": {"type": "ScalarData", "default_value": "'x'"},
        },
        typed={
            "param__payload": '[1, "two", {"three": null}]',
            "param__config": '{"a": {"b": [1.5]}}',
            "param__value": "42",
        },
        sends={"payload": [1, "two", {"three": None}], "config": {"a": {"b": [1.5]}}, "value": 42, "plain": "x"},
    ),
    # -- YAML plans -------------------------------------------------------------------------------------
    Case(
        id="yaml-plan-plain-defaults",
        plan="hello::yaml",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "message": {"type": "String", "default_value": "hello world"},
            "times": {"type": "Integer[1, 5]", "default_value": 1},
            "extra": {"type": "Any", "description": "Passed through to the task", "default_value": {}},
            "packages": {"type": "Array[String]", "default_value": ["curl", "jq"]},
            "settings": {"type": "Hash[String, Integer]", "default_value": {"workers": 4}},
            "enabled": {"type": "Boolean", "default_value": True},
            "ratio": {"type": "Float", "default_value": 2.5},
            "path": {"type": "Stdlib::Absolutepath", "default_value": "/var/tmp"},
        },
        typed={"param__targets": "web01"},
        sends={
            "targets": "web01",
            "message": "hello world",
            "times": 1,
            "extra": {},
            "packages": ["curl", "jq"],
            "settings": {"workers": 4},
            "enabled": True,
            "ratio": 2.5,
            "path": "/var/tmp",
        },
    ),
    Case(
        id="yaml-plan-defaults-changed",
        plan="hello::yaml",
        parameters={
            "targets": {"type": "TargetSpec"},
            "message": {"type": "Optional[String]", "default_value": "greetings from bolt"},
            "times": {"type": "Integer[1, 5]", "default_value": 1},
            "enabled": {"type": "Boolean", "default_value": False},
            "channel": {"type": "String", "default_value": "stable"},
            "note": {"type": "Optional[String]"},
        },
        typed={"param__targets": "web01", "param__message": "", "param__times": "5", "param__enabled": "true"},
        sends={"targets": "web01", "times": 5, "enabled": True, "channel": "stable", "note": None},
        invalid=(Invalid("param__times", "6", "between 1 and 5", 6),),
    ),
    Case(
        id="yaml-plan-untyped",
        plan="hello::untyped",
        parameters={
            "targets": {"type": "Any"},
            "command": {"type": "Any", "default_value": "uptime"},
        },
        typed={"param__targets": '"web01"'},
        sends={"targets": "web01", "command": "uptime"},
    ),
    # -- more real-module shapes --------------------------------------------------------------------
    Case(
        id="patching-window-and-exclusions",
        plan="patching::run",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "reboot": {"type": "Boolean", "default_value": "false"},
            "window_minutes": {"type": "Integer[15, 480]", "default_value": "60"},
            "exclude": {"type": "Array[String]", "default_value": "[]"},
            "snapshot": {"type": "Enum['none', 'vmware', 'hyperv']", "default_value": "'none'"},
            "report_path": {"type": "Optional[Stdlib::Unixpath]", "default_value": "undef"},
        },
        typed={"param__targets": "web*", "param__exclude": "kernel*\nglibc", "param__window_minutes": "120"},
        sends={
            "targets": "web*",
            "reboot": False,
            "window_minutes": 120,
            "exclude": ["kernel*", "glibc"],
            "snapshot": "none",
        },
        invalid=(
            Invalid("param__window_minutes", "10", "between 15 and 480", 10),
            Invalid("param__report_path", "C:\\reports", "must match"),
        ),
    ),
    Case(
        id="patching-exclude-emptied",
        plan="patching::run",
        parameters={
            "targets": {"type": "TargetSpec"},
            "exclude": {"type": "Array[String]", "default_value": "['kernel']"},
        },
        typed={"param__targets": "web01", "param__exclude": ""},
        sends={"targets": "web01"},
    ),
    Case(
        id="cert-renew-at-least-one",
        plan="cert::renew",
        parameters={
            "certnames": {"type": "Array[String[1], 1]"},
            "force": {"type": "Optional[Boolean]"},
        },
        typed={"param__certnames": "agent01.example.com"},
        sends={"certnames": ["agent01.example.com"], "force": None},
        invalid=(Invalid("param__certnames", "", "This parameter is required.", MISSING),),
    ),
    Case(
        id="maintenance-drain-node",
        plan="maintenance::drain_node",
        parameters={
            "node": {"type": "String"},
            "reason": {"type": "String[10, 200]"},
            "hold_minutes": {"type": "Integer[1]", "default_value": "30"},
        },
        typed={"param__node": "web01", "param__reason": "Disk replacement"},
        sends={"node": "web01", "reason": "Disk replacement", "hold_minutes": 30},
        invalid=(Invalid("param__reason", "disk", "needs 10 to 200 characters", "disk"),),
    ),
    Case(
        id="db-failover",
        plan="db::failover",
        json=True,
        parameters={
            "primary": {"type": "String[1, 253]"},
            "replica": {"type": "String[1, 253]"},
            "vault_token": {"type": "Sensitive[String]"},
            "dry_run": {"type": "Boolean", "default_value": "false"},
        },
        typed={
            "param__primary": "db01",
            "param__replica": "db02",
            "param__vault_token": "s.AbCdEf",
            "param__dry_run": "true",
        },
        sends={"primary": "db01", "replica": "db02", "vault_token": "s.AbCdEf", "dry_run": True},
    ),
    Case(
        id="nginx-deploy-site",
        plan="nginx::deploy_site",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec", "description": "Web servers"},
            "server_name": {"type": "Stdlib::Fqdn"},
            "docroot": {"type": "Stdlib::Absolutepath", "default_value": "'/var/www/html'"},
            "listen_port": {"type": "Stdlib::Port", "default_value": "443"},
            "upstream": {"type": "Optional[Stdlib::HTTPSUrl]", "default_value": "undef"},
            "service_ensure": {"type": "Stdlib::Ensure::Service", "default_value": "'running'"},
            "tls": {
                "type": "Optional[Struct[{\n    cert_path            => Stdlib::Absolutepath,\n"
                "    key_path             => Stdlib::Absolutepath,\n"
                "    Optional[protocols]  => Array[Enum['TLSv1.2', 'TLSv1.3'], 1],\n  }]]"
            },
        },
        typed={
            "param__targets": "web01\nweb02",
            "param__server_name": "www.example.com",
            "param__tls": '{"cert_path": "/etc/ssl/www.pem", "key_path": "/etc/ssl/www.key", "protocols": ["TLSv1.3"]}',
        },
        sends={
            "targets": ["web01", "web02"],
            "server_name": "www.example.com",
            "docroot": "/var/www/html",
            "listen_port": 443,
            "service_ensure": "running",
            "tls": {"cert_path": "/etc/ssl/www.pem", "key_path": "/etc/ssl/www.key", "protocols": ["TLSv1.3"]},
        },
        invalid=(
            Invalid(
                "param__tls",
                '{"cert_path": "/etc/ssl/www.pem", "key_path": "www.key"}',
                "The key key_path",
                {"cert_path": "/etc/ssl/www.pem", "key_path": "www.key"},
            ),
            Invalid(
                "param__tls",
                '{"cert_path": "/a", "key_path": "/b", "protocols": ["SSLv3"]}',
                "expects one of 'TLSv1.2', 'TLSv1.3'",
                {"cert_path": "/a", "key_path": "/b", "protocols": ["SSLv3"]},
            ),
        ),
    ),
    Case(
        id="cluster-join",
        plan="cluster::join",
        type_aliases={"Cluster::SingleTargetSpec": r"Variant[Pattern[/\A[^[:space:],]+\z/], Target]"},
        app_knows=True,
        parameters={
            "primary_host": {"type": "Cluster::SingleTargetSpec"},
            "node_name": {"type": r"Pattern[/\A[[:alnum:]-]+\z/]"},
            "mode": {"type": "Optional[Enum['init', 'pair']]", "default_value": "undef"},
            "ports": {"type": "Array[Stdlib::Port, 1]", "default_value": "[8140, 8142]"},
            "join_token": {"type": "Optional[Sensitive[String[1]]]"},
            "windows": {"type": "Boolean", "default_value": "cluster::is_windows($primary_host)"},
        },
        typed={"param__primary_host": "pe01.example.net", "param__node_name": "pe02", "param__mode": "pair"},
        sends={
            "primary_host": "pe01.example.net",
            "node_name": "pe02",
            "mode": "pair",
            "ports": [8140, 8142],
            "join_token": None,
        },
        invalid=(Invalid("param__node_name", "pe_02", "must match"),),
    ),
    Case(
        id="ntp-servers-variant-list",
        plan="ntp::configure",
        parameters={
            "targets": {"type": "TargetSpec"},
            "servers": {"type": "Array[Stdlib::Host, 1]", "default_value": "['0.pool.ntp.org', '1.pool.ntp.org']"},
            "iburst": {"type": "Boolean", "default_value": "true"},
            "panic": {"type": "Optional[Integer[0]]", "default_value": "undef"},
            "restrict": {"type": "Array[String]", "default_value": "$ntp::params::restrict"},
        },
        typed={"param__targets": "all", "param__servers": "time.example.com\n192.0.2.123", "param__panic": "0"},
        sends={"targets": "all", "servers": ["time.example.com", "192.0.2.123"], "iburst": True, "panic": 0},
        invalid=(
            Invalid("param__servers", "time.example.com\nnot a host", "Item [1]", ["time.example.com", "not a host"]),
        ),
    ),
    Case(
        id="windows-paths-and-features",
        plan="windows::features",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "features": {"type": "Array[String[1], 1]"},
            "source": {"type": "Optional[Stdlib::Windowspath]", "default_value": "undef"},
            "restart": {"type": "Enum['never', 'if_required', 'always']", "default_value": "'if_required'"},
            "log_dir": {"type": "Stdlib::Windowspath", "default_value": "'C:\\\\Windows\\\\Temp'"},
        },
        typed={
            "param__targets": "win01.example.com",
            "param__features": "Web-Server\nWeb-Asp-Net45",
            "param__source": "\\\\fileserver\\sxs",
        },
        sends={
            "targets": "win01.example.com",
            "features": ["Web-Server", "Web-Asp-Net45"],
            "source": "\\\\fileserver\\sxs",
            "restart": "if_required",
            "log_dir": "C:\\Windows\\Temp",
        },
        invalid=(Invalid("param__source", "/mnt/sxs", "must match"),),
    ),
    Case(
        id="mysql-user-sensitive-and-privileges",
        plan="mysql::create_user",
        parameters={
            "targets": {"type": "TargetSpec"},
            "user": {"type": r"Pattern[/\A[[:alnum:]_]{1,32}@[[:alnum:].%-]+\z/]"},
            "password": {"type": "Sensitive[String[1]]"},
            "privileges": {
                "type": "Array[Enum['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALL']]",
                "default_value": "['SELECT']",
            },
            "max_connections": {"type": "Integer[0]", "default_value": "0"},
        },
        typed={
            "param__targets": "db01",
            "param__user": "app@10.0.%",
            "param__password": "Hunter2-Long-Pw",
            "param__privileges": "SELECT\nINSERT",
        },
        sends={
            "targets": "db01",
            "user": "app@10.0.%",
            "password": "Hunter2-Long-Pw",
            "privileges": ["SELECT", "INSERT"],
            "max_connections": 0,
        },
        invalid=(
            Invalid("param__user", "app", "must match"),
            Invalid("param__privileges", "SELECT\nGRANT", "Item [1]", ["SELECT", "GRANT"]),
        ),
    ),
    Case(
        id="docker-run-ports-and-env",
        plan="docker::run",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "image": {"type": r"Pattern[/\A[a-z0-9]+([._\/-][a-z0-9]+)*(:[[:alnum:]_.-]+)?\z/]"},
            "ports": {"type": "Hash[Pattern[/\\A\\d+\\z/], Stdlib::Port]", "default_value": "{}"},
            "env": {"type": "Hash[String[1], String]", "default_value": "{}"},
            "restart": {
                "type": "Enum[no, always, 'on-failure', 'unless-stopped']",
                "default_value": "'unless-stopped'",
            },
            "memory": {"type": "Optional[Stdlib::Datasize]", "default_value": "undef"},
        },
        typed={
            "param__targets": "docker01",
            "param__image": "library/nginx:1.25-alpine",
            "param__ports": '{"8080": 80}',
            "param__env": '{"TZ": "UTC"}',
            "param__memory": "512m",
        },
        sends={
            "targets": "docker01",
            "image": "library/nginx:1.25-alpine",
            "ports": {"8080": 80},
            "env": {"TZ": "UTC"},
            "restart": "unless-stopped",
            "memory": "512m",
        },
        invalid=(
            Invalid("param__ports", '{"http": 80}', "has a key that does not fit", {"http": 80}),
            Invalid("param__image", "Nginx:latest", "must match"),
        ),
    ),
    Case(
        id="aws-instances-region-and-tags",
        plan="aws::launch",
        parameters={
            "region": {"type": "Enum['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']"},
            "count": {"type": "Integer[1, 20]", "default_value": "1"},
            "instance_type": {"type": r"Pattern[/\A[a-z][a-z0-9]*\.[a-z0-9]+\z/]", "default_value": "'t3.medium'"},
            "tags": {"type": "Hash[String[1, 128], String[0, 256]]", "default_value": "{}"},
            "subnet_ids": {"type": r"Optional[Array[Pattern[/\Asubnet-\h{8,17}\z/], 1]]"},
            "spot_price": {"type": "Optional[Float[0.001]]", "default_value": "undef"},
        },
        typed={
            "param__region": "eu-central-1",
            "param__count": "4",
            "param__tags": '{"Owner": "platform", "CostCenter": ""}',
            "param__subnet_ids": "subnet-0a1b2c3d\nsubnet-0123456789abcdef0",
            "param__spot_price": "0.05",
        },
        sends={
            "region": "eu-central-1",
            "count": 4,
            "instance_type": "t3.medium",
            "tags": {"Owner": "platform", "CostCenter": ""},
            "subnet_ids": ["subnet-0a1b2c3d", "subnet-0123456789abcdef0"],
            "spot_price": 0.05,
        },
        invalid=(
            Invalid("param__subnet_ids", "subnet-xyz", "must match", ["subnet-xyz"]),
            Invalid("param__spot_price", "0", "at least 0.001", 0.0),
        ),
    ),
    Case(
        id="splunk-forwarder-sensitive-and-url",
        plan="splunk::forwarder",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "indexer": {"type": "Stdlib::Host"},
            "indexer_port": {"type": "Stdlib::Port", "default_value": "9997"},
            "deployment_server": {"type": "Optional[Stdlib::HTTPSUrl]"},
            "admin_password": {"type": "Sensitive[String[8]]"},
            "index": {"type": "String[1]", "default_value": "'main'"},
        },
        typed={
            "param__targets": "app01\napp02",
            "param__indexer": "idx01.example.com",
            "param__deployment_server": "https://ds.example.com:8089",
            "param__admin_password": "changeme-please",
        },
        sends={
            "targets": ["app01", "app02"],
            "indexer": "idx01.example.com",
            "indexer_port": 9997,
            "deployment_server": "https://ds.example.com:8089",
            "admin_password": "changeme-please",
            "index": "main",
        },
    ),
    Case(
        id="postgres-tuning-numeric-variants",
        plan="postgresql::tune",
        parameters={
            "targets": {"type": "TargetSpec"},
            "shared_buffers": {"type": "Variant[Stdlib::Datasize, Integer[128]]", "default_value": "'128MB'"},
            "max_connections": {"type": "Integer[1, 10000]", "default_value": "100"},
            "random_page_cost": {"type": "Float[0.1]", "default_value": "4.0"},
            "checkpoint_completion_target": {"type": "Float[0.0, 1.0]", "default_value": "0.9"},
        },
        typed={
            "param__targets": "db01",
            "param__shared_buffers": "4096",
            "param__random_page_cost": "1.1",
            "param__checkpoint_completion_target": "1",
        },
        sends={
            "targets": "db01",
            "shared_buffers": 4096,
            "max_connections": 100,
            "random_page_cost": 1.1,
            "checkpoint_completion_target": 1.0,
        },
        invalid=(Invalid("param__shared_buffers", "64", "at least 128", 64),),
    ),
    Case(
        id="postgres-tuning-datasize-text",
        plan="postgresql::tune",
        parameters={
            "targets": {"type": "TargetSpec"},
            "shared_buffers": {"type": "Variant[Stdlib::Datasize, Integer[128]]", "default_value": "'128MB'"},
        },
        typed={"param__targets": "db01", "param__shared_buffers": "2GB"},
        sends={"targets": "db01", "shared_buffers": "2GB"},
    ),
    Case(
        id="acme-certificate-domains",
        plan="acme::certificate",
        parameters={
            "domains": {"type": "Array[Variant[Stdlib::Fqdn, Pattern[/\\A\\*\\.[a-z0-9.-]+\\z/]], 1]"},
            "challenge": {"type": "Enum['http-01', 'dns-01']", "default_value": "'http-01'"},
            "staging": {"type": "Boolean", "default_value": "$environment != 'production'"},
            "contact": {"type": "Stdlib::Email"},
        },
        typed={
            "param__domains": "example.com\n*.example.com",
            "param__contact": "hostmaster@example.com",
            "param__staging": "false",
        },
        sends={
            "domains": ["example.com", "*.example.com"],
            "challenge": "http-01",
            "staging": False,
            "contact": "hostmaster@example.com",
        },
        invalid=(Invalid("param__domains", "example.com\n*example.com", "Item [1]", ["example.com", "*example.com"]),),
    ),
    Case(
        id="bolt-run-command-plan",
        plan="ops::run_command",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "command": {"type": "String[1]"},
            "run_as": {"type": "Optional[String[1]]", "default_value": "undef"},
            "env_vars": {"type": "Optional[Hash[String, String]]"},
            "catch_errors": {"type": "Boolean", "default_value": "false"},
            "timeout": {"type": "Optional[Integer[1]]", "default_value": "undef"},
        },
        typed={
            "param__targets": "localhost",
            "param__command": "systemctl status puppet --no-pager",
            "param__env_vars": "{}",
        },
        sends={
            "targets": "localhost",
            "command": "systemctl status puppet --no-pager",
            "env_vars": {},
            "catch_errors": False,
        },
    ),
    Case(
        id="classifier-node-group",
        plan="node_manager::pin",
        parameters={
            "group": {"type": "String[1]"},
            "group_id": {"type": r"Optional[Pattern[/\A\h{8}(-\h{4}){3}-\h{12}\z/]]"},
            "nodes": {"type": "Array[Stdlib::Fqdn]", "default_value": "[]"},
            "environment": {"type": r"Pattern[/\A[a-z0-9_]+\z/]", "default_value": "'production'"},
            "rule": {"type": "Optional[Array[Data]]", "default_value": "undef"},
        },
        typed={
            "param__group": "PE Infrastructure Agent",
            "param__nodes": "agent01.example.com\nagent02.example.com",
            "param__rule": '["or", ["=", "name", "agent01"]]',
        },
        sends={
            "group": "PE Infrastructure Agent",
            "group_id": None,
            "nodes": ["agent01.example.com", "agent02.example.com"],
            "environment": "production",
            "rule": ["or", ["=", "name", "agent01"]],
        },
        invalid=(
            Invalid("param__group_id", "not-a-uuid", "must match"),
            Invalid("param__environment", "Feature-1", "must match"),
        ),
    ),
    Case(
        id="r10k-deploy-with-computed-and-multiline-struct",
        plan="r10k::deploy",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec", "default_value": "get_targets('pe_primary')"},
            "environments": {"type": "Variant[Enum['all'], Array[String[1], 1]]", "default_value": "'all'"},
            "options": {
                "type": "Struct[{\n"
                "    Optional['modules']       => Boolean,  # also deploy Puppetfile modules\n"
                "    Optional['incremental']   => Boolean,\n"
                "    Optional['generate_types'] => Boolean,\n"
                "  }]",
                "default_value": "{ 'modules' => true }",
            },
        },
        typed={
            "param__environments": '["production", "staging"]',
            "param__options": '{"modules": true, "generate_types": true}',
        },
        sends={
            "environments": ["production", "staging"],
            "options": {"modules": True, "generate_types": True},
        },
        invalid=(Invalid("param__options", '{"module": true}', "has no key 'module'", {"module": True}),),
    ),
    Case(
        id="sensitive-optional-at-top-wrapped",
        plan="vault::unseal",
        parameters={
            "targets": {"type": "TargetSpec"},
            "key": {"type": "Sensitive[Optional[String[1]]]"},
            "shares": {"type": "Sensitive[Array[String[1], 1]]", "default_value": "Sensitive(['a'])"},
        },
        typed={"param__targets": "vault01"},
        sends={"targets": "vault01", "key": None},
    ),
    Case(
        id="hiera-lookup-and-module-function-defaults",
        plan="profile::rebuild",
        parameters={
            "targets": {"type": "TargetSpec"},
            "image": {"type": "String[1]", "default_value": "lookup('profile::rebuild::image')"},
            "batch": {"type": "Integer[1]", "default_value": "profile::batch_size($targets)"},
            "label": {"type": "String", "default_value": "\"rebuild-${facts['timestamp']}\""},
            "parallel": {"type": "Integer[1]", "default_value": "$targets.length"},
        },
        typed={"param__targets": "web01", "param__batch": "2"},
        sends={"targets": "web01", "batch": 2},
    ),
    Case(
        id="tools-noop-no-parameters",
        plan="tools::noop",
        parameters={},
        sends={},
    ),
    Case(
        id="puppet-agent-version-variant",
        plan="puppet_agent::upgrade",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "version": {
                "type": r"Variant[Enum['latest', 'present'], Pattern[/\A\d+\.\d+\.\d+\z/]]",
                "default_value": "'latest'",
            },
            "collection": {"type": "Optional[String[1]]", "default_value": "undef"},
        },
        typed={"param__targets": "agent01", "param__version": "8.10.0"},
        sends={"targets": "agent01", "version": "8.10.0"},
        invalid=(Invalid("param__version", "8.10", "expects"),),
    ),
    Case(
        id="misc-notundef-tuple-default-sensitive-boolean",
        plan="ops::misc",
        parameters={
            "must": {"type": "NotUndef"},
            "point": {"type": "Tuple[String, Integer]", "default_value": "['origin', 0]"},
            "confirm": {"type": "Sensitive[Boolean]"},
            "limit": {"type": "Optional[Integer[1, 10]]", "default_value": "undef"},
        },
        typed={"param__must": '"anything at all"', "param__confirm": "true", "param__limit": ""},
        sends={"must": "anything at all", "point": ["origin", 0], "confirm": True},
        invalid=(Invalid("param__must", "null", "This parameter is required.", None),),
    ),
    Case(
        id="defaults-that-read-back-as-another-type",
        plan="puppetserver::tune",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "port": {"type": "Variant[Integer, String]", "default_value": "'8140'"},
            "ports": {"type": "Array[Variant[Integer, String]]", "default_value": "['8140', 'https']"},
            "restart": {"type": "Variant[Boolean, Enum['true', 'false', 'auto']]", "default_value": "'true'"},
            "version": {"type": "Variant[Float, String]", "default_value": "'1.0'"},
            "trailing": {"type": "String", "default_value": "'keep me '"},
        },
        typed={"param__targets": "pe-primary.example.com"},
        sends={
            "targets": "pe-primary.example.com",
            "port": "8140",
            "ports": ["8140", "https"],
            "restart": "true",
            "version": "1.0",
            "trailing": "keep me ",
        },
    ),
    Case(
        id="defaults-that-read-back-as-another-type-changed",
        plan="puppetserver::tune",
        parameters={
            "port": {"type": "Variant[Integer, String]", "default_value": "'8140'"},
            "restart": {"type": "Variant[Boolean, Enum['true', 'false', 'auto']]", "default_value": "'true'"},
        },
        typed={"param__port": "8141", "param__restart": "false"},
        sends={"port": 8141, "restart": False},
    ),
    Case(
        id="yaml-plan-string-defaults-that-look-like-puppet",
        plan="hello::versions",
        json=True,
        parameters={
            "targets": {"type": "TargetSpec"},
            "major": {"type": "String", "default_value": "7"},
            "confirm": {"type": "String", "default_value": "true"},
            "channel": {"type": "Optional[String[1]]", "default_value": "1.0"},
            "retries": {"type": "Integer", "default_value": 3},
        },
        typed={"param__targets": "web01"},
        sends={"targets": "web01", "major": "7", "confirm": "true", "channel": "1.0", "retries": 3},
    ),
    Case(
        id="module-alias-unknown-here-with-a-number-default",
        plan="puppetserver::restart",
        type_aliases={"Puppetserver::Port": "Integer[1024, 65535]"},
        parameters={
            "targets": {"type": "TargetSpec"},
            "port": {"type": "Puppetserver::Port", "default_value": "8140"},
            "drain": {"type": "Optional[Puppetserver::Port]", "default_value": "undef"},
        },
        typed={"param__targets": "pe-primary.example.com"},
        sends={"targets": "pe-primary.example.com", "port": 8140},
    ),
)
