"""AWS Budgets (JSON 1.1; global, signs as `budgets` in us-east-1): the two read APIs moto
5.2.5 lacks (HTTP 500). DescribeBudgets and DescribeNotificationsForBudget stay moto's.

  DescribeSubscribersForNotification  the subscribers moto stored with the notification
                  (CreateBudget NotificationsWithSubscribers, CreateNotification), read from
                  moto's budgets backend of the caller's account; NotFoundException for an
                  unknown budget or notification.
  Create/DeleteBudgetAction, DescribeBudgetActionsForBudget  actions kept in State (moto has none);
                  Status STANDBY, as AWS shows an action that has not run.
"""

from __future__ import annotations

from moto.budgets.models import budgets_backends

from .router import Call, Route
from .state import Doc
from .util import json_page, uuid4
from .wsgi import ApiError, Response, reply

SERVICE = "budgets"
CONTENT_TYPE = "application/x-amz-json-1.1"
NOTIFICATION_KEYS = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")
BAD_TOKEN = ("InvalidNextTokenException", "Invalid NextToken.")


def _budget(call: Call, account_id: str, name: str) -> object:
    budgets = budgets_backends[call.account]["aws"].budgets.get(account_id, {})
    if name not in budgets:
        raise ApiError(400, "NotFoundException", f"Unable to get budget: {name} - the budget doesn't exist.")
    return budgets[name]


def _same(a: Doc, b: Doc) -> bool:
    def norm(d: Doc) -> tuple[object, ...]:
        return (d.get("NotificationType"), d.get("ComparisonOperator"), float(d.get("Threshold") or 0),
                d.get("ThresholdType") or "PERCENTAGE")
    return norm(a) == norm(b)


def describe_subscribers(call: Call) -> Response:
    body = call.request.json()
    budget = _budget(call, body["AccountId"], body["BudgetName"])
    for n in getattr(budget, "notifications", []):
        if _same(n.details, body["Notification"]):
            subs = [{"SubscriptionType": s["SubscriptionType"], "Address": s["Address"]} for s in n.subscribers]
            page, token = json_page(subs, body, "NextToken", 100, 100, BAD_TOKEN)
            out: Doc = {"Subscribers": page}
            if token:
                out["NextToken"] = token
            return reply(200, out, content_type=CONTENT_TYPE)
    raise ApiError(400, "NotFoundException",
                   f"Unable to get subscribers: the notification does not exist on budget {body['BudgetName']}.")


def create_action(call: Call) -> Response:
    body = call.request.json()
    _budget(call, body["AccountId"], body["BudgetName"])
    action_id = uuid4()
    action = {"ActionId": action_id, "BudgetName": body["BudgetName"], "Status": "STANDBY",
              **{k: body[k] for k in ("NotificationType", "ActionType", "ActionThreshold", "Definition",
                                      "ExecutionRoleArn", "ApprovalModel", "Subscribers")}}
    call.state.budget_actions.setdefault((call.account, call.region), {})[action_id] = {
        "accountId": body["AccountId"], "action": action}
    return reply(200, {"AccountId": body["AccountId"], "BudgetName": body["BudgetName"], "ActionId": action_id},
                 content_type=CONTENT_TYPE)


def describe_actions(call: Call) -> Response:
    body = call.request.json()
    _budget(call, body["AccountId"], body["BudgetName"])
    actions = [a["action"] for a in call.state.budget_actions.get((call.account, call.region), {}).values()
               if a["accountId"] == body["AccountId"] and a["action"]["BudgetName"] == body["BudgetName"]]
    page, token = json_page(actions, body, "NextToken", 100, 100, BAD_TOKEN)
    out: Doc = {"Actions": page}
    if token:
        out["NextToken"] = token
    return reply(200, out, content_type=CONTENT_TYPE)


def delete_action(call: Call) -> Response:
    body = call.request.json()
    actions = call.state.budget_actions.get((call.account, call.region), {})
    held = actions.get(body["ActionId"])
    if not held or held["accountId"] != body["AccountId"] or held["action"]["BudgetName"] != body["BudgetName"]:
        raise ApiError(400, "NotFoundException", f"Unable to get action: {body['ActionId']}.")
    del actions[body["ActionId"]]
    return reply(200, {"AccountId": body["AccountId"], "BudgetName": body["BudgetName"], "Action": held["action"]},
                 content_type=CONTENT_TYPE)


ROUTES = (Route(SERVICE, "DescribeSubscribersForNotification", describe_subscribers),
          Route(SERVICE, "DeleteBudgetAction", delete_action),
          Route(SERVICE, "CreateBudgetAction", create_action),
          Route(SERVICE, "DescribeBudgetActionsForBudget", describe_actions))
