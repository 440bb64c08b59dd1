"""The app's entry point: ``streamlit run ui/server.py`` (what ``make run`` starts).

The same app as ``ui/app.py`` (the page frame AppTest runs), served through Streamlit's ``st.App`` with
the account routes beside it: the login form (``/account/login``, ``/account/logout``) and the gate
that sends page loads to it once accounts exist (``ui/backend/web.py``). Started with
``streamlit run ui/app.py`` instead, the app still refuses everyone until they sign in once accounts
exist - but nobody can, because the login form is not served.
"""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware

from ui.backend.web import AccountGate, account_routes

app = st.App("app.py", routes=account_routes(), middleware=[Middleware(AccountGate)])
