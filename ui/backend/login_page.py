"""The HTML of the login and logout pages (``/account/login``, ``/account/logout``): small, Chinese,
no script, no outside resource; every value escaped."""

from __future__ import annotations

from html import escape

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:"Source Sans Pro","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
     background:#f6f7f9;color:#262730;font-size:16px}
main{max-width:380px;margin:12vh auto 0;padding:28px 24px;background:#fff;border-radius:12px;
     box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.45rem;margin:0 0 4px}
p.sub{margin:0 0 20px;color:#6b6f7b;font-size:.92rem}
label{display:block;font-size:.9rem;margin:14px 0 6px}
input{width:100%;padding:10px 12px;font-size:1rem;border:1px solid #d0d3da;border-radius:8px}
input:focus{outline:2px solid #ff4b4b33;border-color:#ff4b4b}
button{width:100%;margin-top:22px;padding:11px;font-size:1rem;border:0;border-radius:8px;background:#ff4b4b;
       color:#fff;cursor:pointer}
.msg{margin:0 0 8px;padding:10px 12px;border-radius:8px;font-size:.92rem;background:#fdecea;color:#8a1f11}
.ok{background:#e8f5e9;color:#1b5e20}
.foot{margin-top:18px;font-size:.82rem;color:#8a8d96}
@media (max-width:420px){main{margin:6vh 12px 0}}
"""


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} · 操盘手手册助手</title><style>{_STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")


def login_html(*, next_path: str = "/", name: str = "", message: str = "", ok_message: str = "") -> str:
    """The login form; ``message`` (an error) and ``ok_message`` (e.g. "已退出登录") are shown above it."""
    notes = ""
    if ok_message:
        notes += f'<p class="msg ok" role="status">{escape(ok_message)}</p>'
    if message:
        notes += f'<p class="msg" role="alert">{escape(message)}</p>'
    focus_name = "" if name else " autofocus"
    focus_password = " autofocus" if name else ""
    body = (
        "<h1>登录</h1><p class=\"sub\">操盘手手册助手 · 请用管理员给你的账号登录</p>"
        f"{notes}"
        '<form method="post" action="/account/login" autocomplete="on">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
        '<label for="name">用户名</label>'
        f'<input id="name" name="name" value="{escape(name)}" autocomplete="username" autocapitalize="none" '
        f'spellcheck="false" maxlength="64" required{focus_name}>'
        '<label for="password">密码</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" maxlength="256" '
        f'required{focus_password}>'
        '<button type="submit">登录</button></form>'
        '<p class="foot">没有账号？请联系维护人员用 <code>python -m assistant users add</code> 添加。</p>'
    )
    return _page("登录", body)


def logout_html() -> str:
    """A confirmation with a POST button (a link alone cannot log anyone out)."""
    body = ("<h1>退出登录</h1><p class=\"sub\">退出后，这个浏览器需要重新登录。</p>"
            '<form method="post" action="/account/logout"><button type="submit">退出登录</button></form>')
    return _page("退出登录", body)
