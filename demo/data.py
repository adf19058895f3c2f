"""The demo institute's seed data: names, units, head counts and logins. Pure data tables (the
long name lists included), read by the planner and the builder; nothing here runs.

(``bench.generator`` reuses the name lists to draw a group's people.)"""

import datetime

from accounts.access import Role
from branches.models import BranchCategory, Department
from campaigns.models import LeadingGroupMember, OfficeMember

COMMITTEE_NAME = "中共中国电子科技集团公司第二十六研究所委员会"
COMMITTEE_SHORT_NAME = "二十六所党委"
CAMPAIGN_NAME = "二十六所深入开展创先争优活动"
CAMPAIGN_THEME = "做研发先锋，当创新标兵"
CAMPAIGN_STARTED_ON = datetime.date(2010, 5, 10)

# Passes the project's validators (length ≥ 10, not common, not numeric, not like a username).
DEMO_PASSWORD = "Cxzy-demo-2026"
CHANGE_REASON = "demo_load"

_B, _A, _S, _R = (
    BranchCategory.BUSINESS,
    BranchCategory.ADMINISTRATION,
    BranchCategory.SERVICE,
    BranchCategory.RETIRED,
)
_OFFICE, _CENTRE, _DIVISION = Department.Kind.OFFICE, Department.Kind.CENTRE, Department.Kind.DIVISION

# The seed, §二. Institute leaders sit above the departments (no department of their own).
# (name, role, title, department)
LEADING_GROUP = [
    ("江波", LeadingGroupMember.Role.LEADER, "党委副书记、副所长", None),
    ("沈虹", LeadingGroupMember.Role.DEPUTY, "党委副书记、纪委书记", None),
    ("欧黎", LeadingGroupMember.Role.DEPUTY, "所长", None),
    ("胡少勤", LeadingGroupMember.Role.MEMBER, "副所长", None),
    ("秦廷辉", LeadingGroupMember.Role.MEMBER, "副所长", None),
    ("范方云", LeadingGroupMember.Role.MEMBER, "总会计师", None),
    ("吴应康", LeadingGroupMember.Role.MEMBER, "工会主席", None),
]
# (name, role, title, department, party member?)
OFFICE = [
    ("章瑜", OfficeMember.Role.DIRECTOR, "党群工作处副处长", "党群工作处", True),
    ("张涛", OfficeMember.Role.MEMBER, "所长助理、组织人事处处长", "组织人事处", True),
    ("吴兆刚", OfficeMember.Role.MEMBER, "综合办公室副主任", "综合办公室", True),
    ("张旋", OfficeMember.Role.MEMBER, "监察审计室副主任", "监察审计室", True),
    ("周尚平", OfficeMember.Role.MEMBER, "组织人事处组织干事", "组织人事处", True),
    ("王彤", OfficeMember.Role.MEMBER, "党群工作处宣传干事", "党群工作处", False),
    ("曾翀", OfficeMember.Role.MEMBER, "党群工作处组织干事", "党群工作处", True),
]
# The branch the institute leaders (no department) are members of.
LEADERS_BRANCH = "机关第一党支部"

# (name, category, department)
GENERAL_BRANCHES = [
    ("第一事业部党总支", _B, "第一事业部"),
    ("第二事业部党总支", _B, "第二事业部"),
    ("第三事业部党总支", _B, "第三事业部"),
    ("第四事业部党总支", _B, "第四事业部"),
    ("离退休党总支", _R, "离退休管理处"),
]
# (name, category, general branch, department, party groups). The 机关 branches each cover
# several functional offices, so they name no single department.
BRANCHES = [
    ("第一事业部第一党支部", _B, "第一事业部党总支", "第一事业部", 3),
    ("第一事业部第二党支部", _B, "第一事业部党总支", "第一事业部", 2),
    ("第一事业部第三党支部", _B, "第一事业部党总支", "第一事业部", 2),
    ("第二事业部第一党支部", _B, "第二事业部党总支", "第二事业部", 3),
    ("第二事业部第二党支部", _B, "第二事业部党总支", "第二事业部", 2),
    ("第三事业部第一党支部", _B, "第三事业部党总支", "第三事业部", 2),
    ("第三事业部第二党支部", _B, "第三事业部党总支", "第三事业部", 3),
    ("第三事业部第三党支部", _B, "第三事业部党总支", "第三事业部", 2),
    ("第四事业部第一党支部", _B, "第四事业部党总支", "第四事业部", 2),
    ("第四事业部第二党支部", _B, "第四事业部党总支", "第四事业部", 2),
    ("光电产业中心党支部", _B, None, "光电产业中心", 3),
    ("声表产业中心党支部", _B, None, "声表产业中心", 2),
    ("机关第一党支部", _A, None, None, 3),
    ("机关第二党支部", _A, None, None, 3),
    ("机关第三党支部", _A, None, None, 2),
    ("后勤服务党支部", _S, None, "后勤服务中心", 2),
    ("离退休第一党支部", _R, "离退休党总支", "离退休管理处", 3),
    ("离退休第二党支部", _R, "离退休党总支", "离退休管理处", 3),
]
_DIV1 = ("第一事业部第一党支部", "第一事业部第二党支部", "第一事业部第三党支部")
_DIV2 = ("第二事业部第一党支部", "第二事业部第二党支部")
_DIV3 = ("第三事业部第一党支部", "第三事业部第二党支部", "第三事业部第三党支部")
_DIV4 = ("第四事业部第一党支部", "第四事业部第二党支部")
# (name, kind, employed headcount incl. seed people, share of party members, branches of its members)
DEPARTMENTS = [
    ("党群工作处", _OFFICE, 9, 0.75, ("机关第一党支部",)),
    ("组织人事处", _OFFICE, 10, 0.7, ("机关第一党支部",)),
    ("综合办公室", _OFFICE, 14, 0.6, ("机关第一党支部",)),
    ("监察审计室", _OFFICE, 6, 0.7, ("机关第一党支部",)),
    ("科技处", _OFFICE, 12, 0.6, ("机关第二党支部",)),
    ("质量处", _OFFICE, 14, 0.5, ("机关第二党支部",)),
    ("财务处", _OFFICE, 12, 0.55, ("机关第三党支部",)),
    ("保卫保密处", _OFFICE, 10, 0.6, ("机关第三党支部",)),
    ("规划发展处", _OFFICE, 8, 0.6, ("机关第二党支部",)),
    ("第一事业部", _DIVISION, 95, 0.38, _DIV1),
    ("第二事业部", _DIVISION, 62, 0.38, _DIV2),
    ("第三事业部", _DIVISION, 90, 0.38, _DIV3),
    ("第四事业部", _DIVISION, 62, 0.38, _DIV4),
    ("光电产业中心", _CENTRE, 60, 0.38, ("光电产业中心党支部",)),
    ("声表产业中心", _CENTRE, 56, 0.38, ("声表产业中心党支部",)),
    ("后勤服务中心", _CENTRE, 46, 0.25, ("后勤服务党支部",)),
    # 未设党支部的中心: its members belong to a 机关 branch.
    ("信息中心", _CENTRE, 18, 0.45, ("机关第二党支部",)),
    ("离退休管理处", _OFFICE, 6, 0.6, ("机关第三党支部",)),
]
# Departments with no branch set up for them (未设党支部的处及中心); their members attend another's.
WITHOUT_BRANCH = {"信息中心"}
RETIRED_DEPARTMENT = "离退休管理处"
RETIREES = 52

# The logins printed after the load: (username, intended primary role). The people behind them
# are picked while building; on a later run they are found again by username.
LOGINS = [
    ("admin", Role.ADMIN),
    ("jiangbo", Role.LEADING_GROUP),
    ("zhangyu", Role.OFFICE),
    ("gbsecretary", Role.SECRETARY),
    ("secretary", Role.SECRETARY),
    ("secretary2", Role.SECRETARY),
    ("member", Role.MEMBER),
    ("staff", Role.STAFF),
]
SECRETARY_BRANCH = "第一事业部第一党支部"  # "secretary" and "member"
SECRETARY2_BRANCH = "光电产业中心党支部"  # directly under the committee
GB_SECRETARY_UNIT = "第一事业部党总支"
MEMBER_CAME_FROM = "第二事业部第一党支部"
STAFF_DEPARTMENT = "第一事业部"
TRANSFERS = 6  # members with a transfer in their history, the "member" login included

# Names: surnames roughly by frequency (the first ones more often), given names by generation.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = [4] * 20 + [2] * 30 + [1] * (len(SURNAMES) - 50)
GIVEN = {
    (
        "M",
        False,
    ): "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林峰建志新文东海亮成康毅翔晨博锐航哲然睿轩阳剑锋彬",
    ("F", False): "芳娜敏静丽艳娟霞燕玲婷雪琳慧莉萍红洁颖倩蓉丹梅琴蕾雯悦欣怡佳璐瑶薇晶婧月露茜璇",
    ("M", True): "建国华明德志福永庆荣祥忠贵宝春树林生成学光正元文",
    ("F", True): "秀英桂兰淑珍玉芬凤琴芳华云丽萍素梅翠玲彩",
}

# Posts by department, by seniority (junior, middle, senior).
_RND_POSTS = (
    ["助理工程师", "技术员", "工艺员"],
    ["工程师", "工程师", "工艺工程师", "技师"],
    ["高级工程师", "高级工程师", "研究员", "高级技师"],
)
POSTS = {
    "财务处": (["助理会计师", "出纳"], ["会计师", "会计师", "主任科员"], ["高级会计师", "会计师"]),
    "监察审计室": (["科员"], ["审计师", "主任科员"], ["高级审计师", "主任科员"]),
    "质量处": (["质量管理员", "检验员"], ["质量工程师", "工程师"], ["高级工程师", "质量工程师"]),
    "科技处": (["科员"], ["工程师", "主任科员"], ["高级工程师", "研究员"]),
    "信息中心": (["技术员"], ["网络工程师", "工程师"], ["高级工程师"]),
    "保卫保密处": (["保密干事", "科员"], ["主任科员", "保密干事"], ["主任科员"]),
    "综合办公室": (["科员", "档案管理员"], ["秘书", "主任科员"], ["主任科员", "经济师"]),
    "后勤服务中心": (["物业管理员", "驾驶员", "炊事员"], ["电工", "技师", "驾驶员"], ["高级技师", "技师"]),
}
_OFFICE_POSTS = (["科员"], ["主任科员", "副主任科员", "经济师"], ["主任科员", "高级经济师"])
HEAD_TITLES = {_OFFICE: "处长", _CENTRE: "主任", _DIVISION: "部长"}
_HEAD_TITLE_OVERRIDES = {"综合办公室": "主任", "监察审计室": "主任"}

GROUP_NAMES = ["第一党小组", "第二党小组", "第三党小组"]
