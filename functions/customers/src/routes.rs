use lambda_http::{Body, Request, Response};
use orderdesk::actor::Principal;
use orderdesk::customers::{
    self, BulkTagBody, CreateCustomerBody, Created, CustomerChange, CustomerFilter, CustomerId,
    NewCustomer, TagChange, UpdateCustomerBody,
};
use orderdesk::dynamo::DynamoStore;
use orderdesk::http::{self, Problem, json, json_body, path_param, query_param};
use orderdesk::idempotency::Idempotency;
use orderdesk::identity::CognitoIdentity;
use orderdesk::logins;
use serde_json::json;

fn customer_id(req: &Request) -> Result<CustomerId, Problem> {
    path_param(req, "customer_id")
        .and_then(|raw| CustomerId::parse(&raw))
        .ok_or_else(|| Problem::not_found("There is no customer with this id."))
}

pub async fn create(
    store: &DynamoStore,
    admin: &Principal,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let key = http::idempotency_key(req)?;
    let (body, raw) = json_body::<CreateCustomerBody>(req)?;
    let input = NewCustomer::try_from(body).map_err(Problem::invalid)?;
    let idempotency = key.map(|k| Idempotency::new(&admin.sub, &http::route_key(req), &k, &raw));
    match customers::create_customer(store, admin, input, idempotency.as_ref()).await? {
        Created::New(c) => Ok(json(201, &c)),
        Created::Replayed(first) => Ok(http::replayed(first.body)),
    }
}

pub async fn list(store: &DynamoStore, req: &Request) -> Result<Response<Body>, Problem> {
    let mut errors = Vec::new();
    let filter = CustomerFilter::parse(
        query_param(req, "q").as_deref(),
        query_param(req, "tag").as_deref(),
        query_param(req, "status").as_deref(),
    )
    .unwrap_or_else(|e| {
        errors.extend(e);
        CustomerFilter::default()
    });
    let page = match http::page_request(req) {
        Ok(p) => p,
        Err(p) => {
            errors.extend(p.errors);
            Default::default()
        }
    };
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(json(
        200,
        &customers::list_customers(store, &filter, &page).await?,
    ))
}

pub async fn get(store: &DynamoStore, req: &Request) -> Result<Response<Body>, Problem> {
    let (c, logins, invitations) = logins::customer_with_logins(store, &customer_id(req)?).await?;
    let mut body = serde_json::to_value(&c).expect("serialises");
    body["logins"] = json!(logins);
    body["invitations"] = json!(invitations);
    Ok(json(200, &body))
}

pub async fn update(
    store: &DynamoStore,
    admin: &Principal,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let id = customer_id(req)?;
    let (body, _) = json_body::<UpdateCustomerBody>(req)?;
    let change = CustomerChange::try_from(body).map_err(Problem::invalid)?;
    Ok(json(
        200,
        &customers::update_customer(store, admin, &id, &change).await?,
    ))
}

pub async fn delete(
    store: &DynamoStore,
    identity: &CognitoIdentity,
    admin: &Principal,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let id = customer_id(req)?;
    customers::delete_customer(store, admin, &id).await?;
    logins::disable_all_logins(store, identity, admin, &id).await?;
    Ok(http::no_content())
}

pub async fn bulk_tag(
    store: &DynamoStore,
    admin: &Principal,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let (body, _) = json_body::<BulkTagBody>(req)?;
    let change = TagChange::try_from(body).map_err(Problem::invalid)?;
    let updated = customers::bulk_tag(store, admin, &change).await?;
    Ok(json(200, &json!({ "updated": updated })))
}

pub async fn audit(store: &DynamoStore, req: &Request) -> Result<Response<Body>, Problem> {
    let page = http::page_request(req)?;
    let customer = query_param(req, "customer_id");
    let actor = query_param(req, "actor");
    Ok(json(
        200,
        &orderdesk::audit::list_audit(store, customer.as_deref(), actor.as_deref(), &page).await?,
    ))
}
