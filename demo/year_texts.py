"""Chinese texts of the demo year: short templates that the year builder (``demo.year``)
combines with the branch, the month and a draw of ``random.Random``, so that the pages read like
a real year's records rather than placeholder text. Pure data; nothing here runs."""

from branches.models import BranchCategory

_B, _A, _S, _R = (
    BranchCategory.BUSINESS,
    BranchCategory.ADMINISTRATION,
    BranchCategory.SERVICE,
    BranchCategory.RETIRED,
)

# Branch pledges by category (seed §六(二): each category has its own 争创 focus).
# (focus, targets, measures, milestones: [(criterion, text)])
BRANCH_PLEDGES = {
    _B: (
        "围绕型号研制和市场开拓，发挥党支部战斗堡垒作用和党员先锋模范作用，争创“五个好”党支部。",
        "全年科研生产任务按节点完成率不低于95%；组建党员先锋团队至少1个；党员岗位建功覆盖率100%。",
        "一是每月支委会研究科研生产重点任务；二是党员认领攻关课题，设立党员责任区；"
        "三是开展“党员身边无差错”活动；四是季度通报承诺践诺进展。",
        [
            ("performance", "完成重点型号关键节点评审"),
            ("membership", "组建课题攻关党员先锋团队并明确攻关目标"),
            ("mechanisms", "修订支部保密安全工作责任清单"),
            ("standing", "开展职工座谈并逐条回应意见建议"),
        ],
    ),
    _A: (
        "围绕服务科研一线、提升管理效能，建设“服务型、学习型、创新型”机关党支部。",
        "机关服务满意度不低于90%；管理制度修订完成率100%；每名党员全年至少提出1条改进建议。",
        "一是开展“机关作风建设年”活动；二是推行首问负责和限时办结；三是每季度深入一线调研；"
        "四是建立服务问题台账、销号管理。",
        [
            ("leadership", "支委班子专题学习并开展谈心谈话"),
            ("mechanisms", "完成首问负责和限时办结制度修订"),
            ("standing", "开展一线服务满意度调查"),
            ("performance", "梳理并简化审批流程不少于5项"),
        ],
    ),
    _S: (
        "围绕安全保障和后勤服务，做到“保障有力、服务贴心、安全无事故”。",
        "安全生产零事故；保障服务按时响应率100%；职工满意度不低于90%。",
        "一是党员带头开展安全隐患排查；二是设立党员服务示范岗；三是每月检查服务质量并通报；"
        "四是建立职工诉求快速响应机制。",
        [
            ("mechanisms", "完成安全隐患全面排查并建立台账"),
            ("membership", "设立党员服务示范岗并公示"),
            ("standing", "开展服务质量满意度回访"),
            ("performance", "完成重点设施检修保障任务"),
        ],
    ),
    _R: (
        "围绕“老有所学、老有所为”，发挥离退休党员政治优势和经验优势，传递正能量。",
        "组织集中学习每季度不少于1次；走访慰问困难党员全覆盖；参与所内关心下一代工作不少于2次。",
        "一是送学上门，保证行动不便党员不漏学；二是组建老党员志愿服务队；三是开展传帮带座谈；"
        "四是定期走访慰问。",
        [
            ("membership", "完成行动不便党员送学上门全覆盖"),
            ("standing", "组织老党员志愿服务活动"),
            ("performance", "与青年职工开展传帮带座谈"),
            ("leadership", "支委班子开展走访慰问"),
        ],
    ),
}

# Member pledges: plan, direction and commitments (criterion, text), mixed by the rng.
MEMBER_PLANS = [
    "立足本职岗位，认真学习党的理论和专业知识，在科研生产中当好先锋。",
    "结合所在项目组任务，带头攻坚克难，按节点完成承担的研制任务。",
    "坚持学习与实践相结合，主动承担急难险重任务，发挥党员模范作用。",
    "以优质服务为科研一线做好保障，做到事事有回音、件件有着落。",
]
MEMBER_DIRECTIONS = [
    "争做“岗位技能好、工作业绩好”的优秀共产党员。",
    "在技术攻关中带头创新，力争取得新突破。",
    "在服务群众中带头奉献，让职工满意。",
    "在团结协作中带头促进和谐，带动身边同事共同进步。",
]
MEMBER_COMMITMENTS = [
    ("learning", "全年读书不少于4本，撰写读书笔记2篇"),
    ("learning", "按时参加组织生活，学习笔记不少于1万字"),
    ("innovation", "牵头完成一项关键技术攻关"),
    ("innovation", "申请发明专利1项或发表论文1篇"),
    ("service", "每季度为职工群众办一件实事"),
    ("service", "结对帮扶1名青年职工"),
    ("harmony", "主动化解工作矛盾，促进团队协作"),
    ("integrity", "严守保密纪律，做到全年无违规"),
]
PROGRESS_NOTES = [
    "已按计划推进，完成阶段性工作",
    "完成节点任务，形成阶段总结",
    "结合支部活动开展，进展顺利",
    "已完成主要工作，正在总结提高",
]

# 三会一课 and other records: titles by kind ({month} is the month number).
MEETING_TOPICS = [
    "学习贯彻党的二十届三中全会精神",
    "研究部署本月科研生产重点任务",
    "学习《中国共产党纪律处分条例》",
    "开展保密安全警示教育",
    "研究党员发展和教育管理工作",
    "交流承诺践诺进展情况",
    "学习习近平总书记关于科技创新的重要论述",
    "研究职工群众意见建议的办理",
]
LECTURE_TOPICS = [
    "弘扬科学家精神，争做研发先锋",
    "坚定理想信念，勇担强军使命",
    "以高质量党建引领科研生产高质量发展",
]
NEWS_TITLES = [
    "{branch}召开{month}月支委会研究重点任务",
    "{branch}开展“党员身边无差错”主题活动",
    "{branch}党员先锋团队攻克关键技术难题",
    "{branch}组织党员志愿服务活动",
    "{branch}开展{month}月主题党日活动",
    "{branch}举办读书分享会",
]
NEWS_OUTLETS = ["所内网", "《二十六所报》", "所微信公众号"]
PLACES = ["党员活动室", "第一会议室", "第三会议室", "科研楼二楼会议室"]
LEAVE_REASONS = ["出差", "病假", "外出参加培训", "型号试验在外场"]

# Inspections: (findings, reply).
INSPECTIONS = [
    (
        "三会一课记录不完整：二季度党小组会缺少两次会议记录和签到表；承诺践诺进展未按季度公布。",
        "已补齐党小组会会议记录和签到材料，明确由组织委员每月检查；二季度践诺进展已在部门例会公布。",
    ),
    (
        "支部保密安全教育未纳入年度学习计划；部分党员学习笔记内容偏少。",
        "",
    ),
    (
        "通讯报道连续两个月未报送；读书笔记展评尚未安排。",
        "",
    ),
]
INSPECTION_SUBJECT = "季度督查：三会一课、承诺践诺和通讯报道"

# Semi-annual reviews (半年点评): parts combined per branch or member.
REVIEW_ACHIEVEMENTS = [
    "班子团结，三会一课按要求开展，承诺事项按节点推进。",
    "围绕科研生产中心任务开展党建工作，党员先锋作用发挥明显。",
    "学习教育扎实，通讯报道积极，职工群众反映较好。",
]
REVIEW_PROBLEMS = [
    "个别月份党小组会记录不够规范。",
    "践诺进展公布不够及时。",
    "读书笔记展评尚未开展。",
]
REVIEW_DIRECTIONS = [
    "下半年要对照承诺查漏补缺，确保全年目标完成。",
    "加强台账规范化管理，按时公布践诺进展。",
    "结合重点任务开展主题实践活动，进一步发挥党员作用。",
]
MEMBER_REVIEW_ACHIEVEMENTS = [
    "认真履行承诺，按时参加组织生活，工作积极主动。",
    "在科研攻关中勇挑重担，较好完成上半年任务。",
    "服务意识强，群众评价好。",
]
MEMBER_REVIEW_PROBLEMS = ["学习笔记内容偏少。", "理论学习深度有待加强。", "结对帮扶工作需进一步落实。"]
MEMBER_REVIEW_DIRECTIONS = ["下半年继续对照承诺推进。", "加强理论学习，提高能力素质。"]
ACKNOWLEDGEMENTS = ["已阅，支部将认真整改。", "已阅，按点评意见抓好落实。", ""]

# Democratic appraisal (民主评议党员).
SELF_ASSESSMENTS = [
    "本人能够认真学习，按时参加组织生活，较好完成了本职工作和承诺事项，不足是理论学习深度不够。",
    "一年来坚持岗位建功，承担的研制任务按节点完成，今后要在创新攻关上下更大功夫。",
]
PEER_ASSESSMENTS = ["工作踏实，乐于助人，建议加强理论学习。", "技术过硬，敢于担当，带头作用明显。"]
GRADE_REASONS = {
    "excellent": "承诺全部兑现，业绩突出，群众评价好",
    "competent": "能够履行党员义务，完成承诺事项",
    "basically_competent": "承诺事项完成不够理想",
}
EVALUATION_TITLE = "{year}年度党支部群众满意度测评"
EVALUATION_COMMENTS = ["支部服务意识强，希望继续保持。", "希望支部多组织业务交流活动。", "党员带头作用明显。"]
