"""Everything on the request path: the route table and the guard that dispatches through it,
the Authorizer, websockets judged again at each message, and what responses and events reveal."""
