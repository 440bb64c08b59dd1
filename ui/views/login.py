"""登录: what a browser that is not signed in sees once accounts exist (nothing of anyone's data)."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import streamlit as st

from ui import auth

# A plain form (not a link: Streamlit opens links in a new tab) that takes this tab to the login page.
BUTTON_STYLE = ("background:#ff4b4b;color:#fff;border:0;border-radius:8px;padding:.55rem 1.4rem;font-size:1rem;"
                "cursor:pointer")

st.title("登录")
st.markdown("这个助手需要登录后使用：每个人只看得到自己的对话、方案和复盘。")
logged_out = st.session_state.pop(auth.LOGGED_OUT_KEY, False)
if logged_out:
    st.success("已退出登录。")
elif auth.session_ended():
    st.info("登录已过期或已在别处退出（例如修改了密码），请重新登录。")

query = urlencode({k: st.query_params.get(k) for k in st.query_params})
fields = {"next": "/" + (f"?{query}" if query else "")}
if logged_out:
    fields["bye"] = "1"
if auth.login_form_available():
    hidden = "".join(f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in fields.items())
    st.html(f'<form method="get" action="/account/login">{hidden}'
            f'<button type="submit" style="{BUTTON_STYLE}">去登录</button></form>')
else:
    st.error("登录页没有启用：请用 `make run`（即 `streamlit run ui/server.py`）启动应用，而不是直接运行 ui/app.py。")
st.caption("没有账号？请联系维护人员添加（python -m assistant users add）。")
