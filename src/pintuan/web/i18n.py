# ruff: noqa: RUF001, E501  (Chinese punctuation is full-width by design)
"""Simplified Chinese and English: chosen from Accept-Language, switchable, kept in a cookie."""

from __future__ import annotations

from pintuan.web.i18n_console import CONSOLE

LANGS = ("en", "zh-Hans")
DEFAULT = "en"

# key: (English, Simplified Chinese). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    "store.deals": ("Group deals", "拼团好物"),
    "store.empty": ("No deals right now.", "暂时没有拼团活动。"),
    "nav.home": ("Deals", "首页"),
    "nav.orders": ("My orders", "我的订单"),
    "nav.signin": ("Sign in", "登录"),
    "nav.signup": ("Create account", "注册"),
    "nav.signout": ("Sign out", "退出"),
    "nav.skip": ("Skip to content", "跳到正文"),
    "prefs.title": ("Display", "显示设置"),
    "prefs.lang": ("Language", "语言"),
    "prefs.senior": ("Senior mode (large type, high contrast)", "长辈模式（大字、高对比）"),
    "prefs.on": ("On", "开"),
    "prefs.off": ("Off", "关"),
    "prefs.save": ("Apply", "应用"),
    "deal.list_price": ("Alone", "单买价"),
    "deal.group_price": ("Group price", "拼团价"),
    "deal.leader_price": ("Leader pays {price}", "团长价 {price}"),
    "deal.team": ("{n} people per group", "{n}人团"),
    "deal.start": ("Start a group", "发起拼团"),
    "deal.open_groups": ("Groups you can join", "可参与的团"),
    "deal.no_groups": ("No open groups yet: start one and share it.", "还没有进行中的团，发起一个并分享吧。"),
    "deal.seats_left": ("{n} seats left", "还差{n}人"),
    "deal.join": ("Join", "去参团"),
    "deal.ends": ("Deal ends {when}", "活动截止 {when}"),
    "deal.quantity": ("Quantity", "数量"),
    "deal.paused": ("This deal is paused.", "活动已暂停。"),
    "group.title": ("Group for {title}", "{title} 拼团"),
    "group.members": ("Who has joined", "已参团成员"),
    "group.leader": ("leader", "团长"),
    "group.paid": ("paid", "已付款"),
    "group.held": ("waiting to pay", "待付款"),
    "group.virtual": ("filled by the shop", "商家补位"),
    "group.empty_seat": ("Empty seat", "空位"),
    "group.time_left": ("Time left", "剩余时间"),
    "group.status.open": ("Open: {n} seats left", "拼团中：还差{n}人"),
    "group.status.full": ("Full: waiting for payment", "已满员：等待付款"),
    "group.status.completed": ("Group complete!", "拼团成功！"),
    "group.status.failed": ("This group did not fill in time; payments are refunded.",
                            "拼团未成功，款项将原路退回。"),
    "group.join": ("Join this group", "立即参团"),
    "group.you_are_in": ("You are in this group.", "你已在团中。"),
    "group.full": ("This group is full. You can start your own.", "该团已满，你可以自己发起一个。"),
    "group.share": ("Share this group", "分享给好友"),
    "group.share_link": ("Share link", "分享链接"),
    "group.poster": ("Share card", "分享海报"),
    "group.poster_alt": ("Share card with product, price, progress and QR code",
                         "含商品、价格、进度和二维码的分享海报"),
    "group.signin_to_join": ("Sign in to join", "登录后参团"),
    "order.title": ("Order {id}", "订单 {id}"),
    "order.pay": ("Pay {amount}", "支付 {amount}"),
    "order.payfor": ("Ask someone to pay", "找人代付"),
    "order.payfor_link": ("Send this link to the person who pays:", "把这个链接发给代付人："),
    "order.cancel": ("Cancel order", "取消订单"),
    "order.hold": ("Pay before {when} to keep your seat.", "请在 {when} 前付款以保留席位。"),
    "order.group": ("See the group", "查看拼团"),
    "order.status.pending_payment": ("Waiting for payment", "待付款"),
    "order.status.paid": ("Paid, waiting for the group", "已付款，等待成团"),
    "order.status.confirmed": ("Confirmed", "已成团"),
    "order.status.cancelled": ("Cancelled", "已取消"),
    "order.status.refunded": ("Refunded", "已退款"),
    "order.status.partially_refunded": ("Partly refunded", "部分退款"),
    "orders.title": ("My orders and groups", "我的订单与拼团"),
    "orders.empty": ("No orders yet.", "还没有订单。"),
    "orders.groups": ("My groups", "我的拼团"),
    "payfor.title": ("Pay for {name}", "为{name}代付"),
    "payfor.intro": ("{name} asked you to pay this order. No account is needed.",
                     "{name}请你代付这笔订单，无需注册。"),
    "payfor.button": ("Pay {amount} for them", "代付 {amount}"),
    "payfor.expired": ("This payment link has expired or the order is already settled.",
                       "该代付链接已失效，或订单已处理。"),
    "payfor.done": ("Thank you: this order is paid.", "谢谢，订单已付款。"),
    "auth.email": ("Email", "邮箱"),
    "auth.name": ("Your name", "昵称"),
    "auth.phone": ("Mobile number (optional)", "手机号（选填）"),
    "auth.phone_hint": ("For example 138 0013 8000, or +44 20 7946 0958 from abroad",
                        "例如 138 0013 8000；境外号码请加 +国家码"),
    "auth.password": ("Password", "密码"),
    "auth.password_hint": ("At least 8 characters", "至少8个字符"),
    "auth.signin": ("Sign in", "登录"),
    "auth.signup": ("Create account", "注册"),
    "auth.no_account": ("New here? Create an account", "还没有账号？注册"),
    "auth.have_account": ("Have an account? Sign in", "已有账号？登录"),
    "error.title": ("Something is not right", "出了点问题"),
    "error.back": ("Go back", "返回"),
    "error.form": ("Please correct the highlighted fields.", "请修改标出的内容。"),
    "error.csrf": ("This form expired. Please reload the page and try again.",
                   "表单已过期，请刷新页面后重试。"),
    "field.required": ("{field} is required.", "请填写{field}。"),
    "field.too_long": ("{field} must be at most {n} characters.", "{field}最多{n}个字符。"),
    "field.too_short": ("{field} must be at least {n} characters.", "{field}至少{n}个字符。"),
    "field.integer": ("{field} must be a whole number.", "{field}须为整数。"),
    "field.range": ("{field} must be between {lo} and {hi}.", "{field}须在{lo}到{hi}之间。"),
    "field.money": ("{field} must be an amount like 88.00.", "{field}须为金额，如 88.00。"),
    "field.datetime": ("{field} must be a date and time.", "{field}须为日期时间。"),
    "field.choice": ("{field} has an unknown value.", "{field}的值无效。"),
    "time.d": ("{n}d", "{n}天"),
    "flash.title": ("Flash sales", "限时秒杀"),
    "flash.link": ("Flash sales", "限时秒杀"),
    "flash.empty": ("No flash sales right now.", "暂时没有秒杀活动。"),
    "flash.live": ("Selling now: ends in", "正在抢购，距结束"),
    "flash.upcoming": ("Starts in", "距开始"),
    "flash.next_slots": ("Next slots", "后续场次"),
    "flash.was": ("Was {price}", "原价 {price}"),
    "flash.left": ("{n} left", "剩余 {n} 件"),
    "flash.sold_out": ("Sold out", "已抢光"),
    "flash.limit": ("Limit {n} per order", "每单限购 {n} 件"),
    "flash.buy": ("Buy now", "立即抢购"),
    "flash.signin_to_buy": ("Sign in to buy", "登录后抢购"),
    "flash.not_yet": ("Not started", "未开始"),
    "flash.server_time": ("Store time {when}", "商城时间 {when}"),
}
MESSAGES.update(CONSOLE)


def pick(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's choice, else the first supported language the browser prefers."""
    if cookie in LANGS:
        return cookie
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-Hans"
        if tag.startswith("en"):
            return "en"
    return DEFAULT


def translate(lang: str, key: str, **values: object) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "zh-Hans" else pair[0]
    return text.format(**values) if values else text
