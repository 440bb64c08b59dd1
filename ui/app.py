"""The operator's playbook assistant — the page frame: ``streamlit run ui/server.py`` (``make run``)
serves it with the login routes; AppTest runs this file.

Four pages: 问答 (chat), 播前方案 (plan), 手册 (handbook), 维护 (maintain). This file is the frame
around them (page config, who is signed in, navigation, the answer mode in the sidebar); each page is
a script under ``ui/views/``. With no account configured the app is single-user as before; once any
account exists a browser that is not signed in sees only the login page, and 维护 is listed for
maintainers only. The project is installed into the environment (``make setup``), so ``ui`` imports as is.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from common.env import apply_process_defaults
from ui import auth, core

apply_process_defaults()
st.set_page_config(page_title="操盘手手册助手", page_icon=str(Path(__file__).resolve().parent / "static" / "favicon.png"), layout="centered")

settings = core.settings()
who = auth.viewer(settings)
if who.accounts and not who.signed_in:
    st.navigation([st.Page("views/login.py", title="登录", icon=":material/login:", url_path="login", default=True)],
                  position="hidden").run()
    st.stop()

PAGES = [
    st.Page("views/chat.py", title="问答", icon=":material/chat:", url_path="chat", default=True),
    st.Page("views/plan.py", title="播前方案", icon=":material/event_note:", url_path="plan"),
    st.Page("views/live.py", title="播中看板", icon=":material/monitoring:", url_path="live"),
    st.Page("views/review.py", title="复盘", icon=":material/analytics:", url_path="review"),
    st.Page("views/handbook.py", title="手册", icon=":material/menu_book:", url_path="handbook"),
]
if who.may_maintain:  # single-user: behind PLAYBOOK_ADMIN_PASSWORD; with accounts: maintainers only
    PAGES.append(st.Page("views/maintain.py", title="维护", icon=":material/build:", url_path="maintain"))

page = st.navigation(PAGES, position="sidebar")
auth.account_sidebar(who)
with st.sidebar:
    st.caption(f"当前模式：{settings.describe_mode()}")
page.run()
