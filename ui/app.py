"""The operator's playbook assistant — Streamlit entry point: ``streamlit run ui/app.py``.

Four pages: 问答 (chat), 播前方案 (plan), 手册 (handbook), 维护 (maintain). This file is the frame
around them (page config, navigation, the answer mode in the sidebar); each page is a script under
``ui/views/``. The project is installed into the environment (``make setup``), so ``ui`` imports as is.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from common.env import apply_process_defaults
from ui import core

apply_process_defaults()
st.set_page_config(page_title="操盘手手册助手", page_icon=str(Path(__file__).resolve().parent / "static" / "favicon.png"), layout="centered")

PAGES = [
    st.Page("views/chat.py", title="问答", icon=":material/chat:", url_path="chat", default=True),
    st.Page("views/plan.py", title="播前方案", icon=":material/event_note:", url_path="plan"),
    st.Page("views/live.py", title="播中看板", icon=":material/monitoring:", url_path="live"),
    st.Page("views/review.py", title="复盘", icon=":material/analytics:", url_path="review"),
    st.Page("views/handbook.py", title="手册", icon=":material/menu_book:", url_path="handbook"),
    st.Page("views/maintain.py", title="维护", icon=":material/build:", url_path="maintain"),
]

page = st.navigation(PAGES, position="sidebar")
settings = core.settings()
with st.sidebar:
    st.caption(f"当前模式：{settings.describe_mode()}")
page.run()
