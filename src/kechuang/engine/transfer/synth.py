"""Seeded synthetic 职务科技成果 in the columns of shared/contracts/transfer-data.md (Achievements).

``achievements(n, seed, institutions)`` returns a polars DataFrame with the contract's English
columns (code, institution, title, abstract, field, keywords, inventors, patents, trl, ownership,
modes, asking_price, status). Titles, abstracts and keywords are drawn from TOPICS: for each of the
eight 国家重点支持的高新技术领域 a list of research topics as a university writes them (the technical
core, its keywords, the problem it solves, the method, the effect and where it applies). Everything
is drawn with numpy over whole columns; 200,000 rows take about a second.

The transfer app's demo and the matching benchmark use it; the same seed gives the same frame.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kechuang.engine.transfer.fields import FIELDS

COLUMNS: tuple[str, ...] = (
    "code",
    "institution",
    "title",
    "abstract",
    "field",
    "keywords",
    "inventors",
    "patents",
    "trl",
    "ownership",
    "modes",
    "asking_price",
    "status",
)
STATUSES: tuple[str, ...] = ("可转化", "洽谈中", "已转化", "已撤回")
OWNERSHIPS: tuple[str, ...] = ("单位所有", "赋予科研人员所有权", "赋予科研人员长期使用权")
MODES: tuple[str, ...] = ("转让", "许可", "作价投资", "先用后转")

# (core, keywords, problem, method, effect, application) per field.
TOPICS: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "电子信息": [
        (
            "面向工业质检的深度学习表面缺陷检测系统",
            "机器视觉；缺陷检测；深度学习；卷积神经网络",
            "人工目检效率低、漏检率高",
            "多尺度卷积神经网络与小样本迁移学习",
            "缺陷识别准确率达99%以上，单件检测时间小于50毫秒",
            "电子元器件、五金件和纺织品的外观质检",
        ),
        (
            "低功耗广域物联网通信模组",
            "物联网；NB-IoT；低功耗；无线通信",
            "传感终端电池寿命短、覆盖差",
            "自适应休眠调度与射频前端优化",
            "待机电流降低60%，终端电池寿命超过5年",
            "智能水表、燃气表与资产定位",
        ),
        (
            "5G毫米波相控阵天线",
            "5G；毫米波；相控阵天线；射频",
            "毫米波链路损耗大、波束覆盖窄",
            "低温共烧陶瓷封装与数字波束赋形",
            "天线增益提高3dB，波束扫描范围±60度",
            "基站、车联网与固定无线接入",
        ),
        (
            "基于知识图谱的智能客服问答平台",
            "知识图谱；自然语言处理；智能问答；大语言模型",
            "客服人力成本高、应答不一致",
            "领域知识图谱与检索增强生成",
            "常见问题自动解答率达85%",
            "政务热线、电商与银行客服",
        ),
        (
            "工业互联网边缘计算网关",
            "工业互联网；边缘计算；数据采集；协议转换",
            "车间设备协议多样、数据难以采集",
            "多协议适配与边缘侧实时分析",
            "支持Modbus、OPC UA等30余种协议，数据延迟小于10毫秒",
            "离散制造车间设备联网与生产监控",
        ),
        (
            "高精度室内定位与导航技术",
            "室内定位；超宽带；UWB；惯性导航",
            "卫星信号在室内不可用、定位误差大",
            "超宽带测距与惯性导航融合",
            "定位精度达到10厘米",
            "仓储物流、商场导航与人员安全管理",
        ),
        (
            "基于区块链的供应链数据可信共享平台",
            "区块链；数据共享；隐私计算；供应链金融",
            "上下游数据不互信、融资难",
            "联盟链与多方安全计算",
            "实现订单、物流和票据数据可追溯、不可篡改",
            "供应链金融与产品溯源",
        ),
        (
            "车规级功率半导体驱动芯片",
            "集成电路；芯片设计；功率半导体；车规级",
            "驱动芯片依赖进口",
            "高压隔离与栅极驱动电路设计",
            "通过AEC-Q100认证测试，开关损耗降低15%",
            "新能源汽车电控与工业变频器",
        ),
        (
            "高清视频智能分析与行为识别算法",
            "视频分析；行为识别；目标检测；安防",
            "监控视频海量、人工查看困难",
            "时空图卷积网络与目标跟踪",
            "异常行为识别准确率达到92%",
            "工地安全、园区安防与交通管理",
        ),
        (
            "网络安全态势感知与入侵检测系统",
            "网络安全；入侵检测；态势感知；威胁情报",
            "企业网络攻击难发现、响应慢",
            "流量特征学习与威胁情报关联",
            "未知攻击检出率提高30%",
            "企业内网、工控系统安全防护",
        ),
    ],
    "生物与新医药": [
        (
            "肿瘤早期筛查的液体活检试剂盒",
            "液体活检；循环肿瘤DNA；早期筛查；体外诊断",
            "肿瘤发现晚、组织活检有创",
            "高通量测序与甲基化标志物检测",
            "早期肺癌检出灵敏度达85%",
            "医院体检中心与第三方检验机构",
        ),
        (
            "新型冠状病毒核酸快速检测微流控芯片",
            "微流控；核酸检测；POCT；分子诊断",
            "核酸检测耗时长、依赖大型设备",
            "微流控芯片与等温扩增",
            "30分钟内出结果，检测下限100拷贝/毫升",
            "基层医疗机构与口岸快速检测",
        ),
        (
            "医学影像人工智能辅助诊断系统",
            "医学影像；辅助诊断；深度学习；CT",
            "影像科医生阅片负担重、基层诊断能力弱",
            "三维卷积神经网络病灶分割",
            "肺结节检出敏感度达96%",
            "基层医院与远程影像诊断",
        ),
        (
            "中药有效成分绿色提取与纯化工艺",
            "中药；提取工艺；超临界萃取；有效成分",
            "传统提取溶剂残留多、收率低",
            "超临界二氧化碳萃取与大孔树脂纯化",
            "有效成分收率提高40%，无有机溶剂残留",
            "中药饮片、保健食品生产",
        ),
        (
            "可降解镁合金心血管支架",
            "医疗器械；可降解支架；镁合金；心血管",
            "金属支架长期留存体内引起再狭窄",
            "镁合金表面涂层调控降解速率",
            "支架6至12个月内完全降解",
            "冠心病介入治疗",
        ),
        (
            "单克隆抗体高效表达细胞株构建技术",
            "单克隆抗体；细胞株；生物药；CHO细胞",
            "抗体表达量低、生产成本高",
            "定点整合与高通量克隆筛选",
            "抗体表达量达到5克/升",
            "生物制药企业抗体药物生产",
        ),
        (
            "可穿戴心电监测与心律失常预警设备",
            "可穿戴设备；心电监测；心律失常；远程医疗",
            "心律失常发作偶然、难以捕捉",
            "柔性电极与轻量化心电分析算法",
            "房颤识别准确率达到97%，连续监测7天",
            "居家健康管理与慢病随访",
        ),
        (
            "益生菌菌株筛选与发酵制剂",
            "益生菌；发酵工程；肠道菌群；功能食品",
            "国产益生菌菌株少、活菌数低",
            "菌株定向筛选与微囊包埋",
            "常温储存12个月活菌数保持10亿CFU/克",
            "功能食品、饲料添加剂",
        ),
        (
            "医用抗菌敷料与伤口修复材料",
            "医用敷料；抗菌；伤口愈合；水凝胶",
            "慢性伤口感染、愈合慢",
            "载银水凝胶与生长因子缓释",
            "伤口愈合时间缩短30%",
            "烧伤科、糖尿病足护理",
        ),
        (
            "康复外骨骼机器人",
            "康复机器人；外骨骼；运动康复；医疗器械",
            "中风患者康复训练依赖治疗师",
            "肌电信号识别与助力控制",
            "步态训练效率提高50%",
            "康复医院、养老机构",
        ),
    ],
    "航空航天": [
        (
            "工业级多旋翼无人机巡检系统",
            "无人机；巡检；航迹规划；图像识别",
            "输电线路和管道人工巡检危险、效率低",
            "自主航迹规划与缺陷图像识别",
            "巡检效率提高8倍",
            "电力线路、油气管道与光伏电站巡检",
        ),
        (
            "碳纤维复合材料航空结构件成型技术",
            "碳纤维；复合材料；热压罐；航空结构件",
            "航空结构件重量大、成型周期长",
            "自动铺丝与非热压罐固化",
            "减重25%，成型周期缩短40%",
            "无人机机身、通用航空器结构件",
        ),
        (
            "低轨卫星通信终端",
            "卫星通信；低轨卫星；通信终端；相控阵",
            "偏远地区和海上无地面网络",
            "平板相控阵与星间切换算法",
            "终端下行速率达到100Mbps",
            "海洋渔业、应急通信与野外作业",
        ),
        (
            "北斗高精度定位模块",
            "北斗；卫星导航；高精度定位；RTK",
            "普通定位精度只有米级",
            "多频多系统RTK与惯导组合",
            "定位精度达到厘米级",
            "测绘、精准农业与自动驾驶",
        ),
        (
            "无人机集群协同控制技术",
            "无人机集群；协同控制；编队飞行；低空经济",
            "单机作业范围有限",
            "分布式一致性控制与防碰撞",
            "支持百架无人机编队飞行",
            "灯光表演、物流配送与应急搜救",
        ),
        (
            "航空发动机叶片高温防护涂层",
            "热障涂层；航空发动机；高温合金；等离子喷涂",
            "叶片高温氧化、寿命短",
            "等离子喷涂陶瓷热障涂层",
            "叶片服役温度提高100摄氏度",
            "航空发动机与燃气轮机维修",
        ),
        (
            "电动垂直起降飞行器飞控系统",
            "eVTOL；飞行控制；低空经济；电动飞行器",
            "城市低空交通工具缺乏可靠飞控",
            "冗余飞控计算机与过渡段控制律",
            "实现垂直起降与平飞平稳过渡",
            "城市空中交通与低空物流",
        ),
    ],
    "新材料": [
        (
            "高镍三元正极材料及其制备方法",
            "锂离子电池；正极材料；高镍三元；能量密度",
            "动力电池能量密度不足、循环寿命短",
            "共沉淀与表面包覆改性",
            "电池能量密度提高15%，循环1000次容量保持率90%",
            "动力电池与储能电池制造",
        ),
        (
            "硅碳复合负极材料",
            "硅碳负极；锂离子电池；负极材料；快充",
            "石墨负极容量接近理论极限",
            "纳米硅与多孔碳复合",
            "比容量达到650mAh/g，首次效率89%",
            "消费电子电池与动力电池",
        ),
        (
            "石墨烯导热膜及其制备方法",
            "石墨烯；导热膜；散热材料；热管理",
            "手机和电子设备发热严重",
            "氧化石墨烯涂布与高温石墨化",
            "面内导热系数达到1500W/(m·K)",
            "智能手机、平板电脑散热",
        ),
        (
            "生物基可降解塑料改性技术",
            "可降解塑料；聚乳酸；生物基材料；改性",
            "传统塑料造成白色污染",
            "聚乳酸增韧与耐热改性",
            "断裂伸长率提高10倍，耐热温度达到100摄氏度",
            "包装袋、餐具与农用地膜",
        ),
        (
            "高性能稀土永磁材料",
            "稀土永磁；钕铁硼；磁性材料；晶界扩散",
            "重稀土用量大、成本高",
            "晶界扩散与细晶化工艺",
            "重稀土用量减少50%，矫顽力保持不变",
            "新能源汽车电机与变频空调压缩机",
        ),
        (
            "5G高频覆铜板用低介电树脂",
            "覆铜板；低介电；高频材料；电子材料",
            "高频信号损耗大",
            "改性聚苯醚树脂与陶瓷填料复合",
            "介电损耗低于0.002",
            "5G基站天线与服务器电路板",
        ),
        (
            "特种工程塑料耐高温改性",
            "工程塑料；聚醚醚酮；耐高温；注塑",
            "金属零件重、加工成本高",
            "玻纤增强与纳米填充改性",
            "连续使用温度达到250摄氏度",
            "汽车零部件、电子连接器以塑代钢",
        ),
        (
            "自修复防腐涂料",
            "防腐涂料；自修复；海洋防腐；涂层",
            "钢结构腐蚀严重、维护成本高",
            "微胶囊自修复与石墨烯改性",
            "耐盐雾时间超过3000小时",
            "跨海大桥、船舶与海上风电",
        ),
        (
            "柔性透明导电薄膜",
            "柔性电子；透明导电膜；银纳米线；触控",
            "氧化铟锡薄膜脆、不可弯折",
            "银纳米线涂布与熔接",
            "方阻低于30欧，弯折10万次性能不变",
            "柔性显示、触摸屏",
        ),
    ],
    "高技术服务": [
        (
            "工业设计协同与产品外观创新服务平台",
            "工业设计；协同设计；产品创新；设计服务",
            "中小企业缺少设计能力",
            "云端协同设计与用户研究方法",
            "产品开发周期缩短30%",
            "家具、玩具与消费电子企业产品设计",
        ),
        (
            "检验检测认证一站式服务系统",
            "检验检测；认证；质量管理；实验室信息管理",
            "企业送检流程繁琐、周期长",
            "实验室信息管理系统与在线委托",
            "检测报告出具时间缩短50%",
            "电子电器、纺织服装产品检测",
        ),
        (
            "科技成果评价与知识产权运营服务",
            "知识产权运营；专利分析；成果评价；技术转移",
            "企业不了解专利价值、交易难",
            "专利价值评估模型与技术供需对接",
            "专利评估周期缩短至5个工作日",
            "高校成果转化与企业知识产权管理",
        ),
        (
            "制造业数字化转型诊断咨询服务",
            "数字化转型；智能制造诊断；咨询服务；精益管理",
            "企业不知道如何开展数字化改造",
            "智能制造能力成熟度评估与改造路线图",
            "为企业给出分阶段改造方案与投入测算",
            "中小制造企业数字化改造",
        ),
        (
            "跨境电商大数据选品与营销服务",
            "跨境电商；大数据；精准营销；选品",
            "外贸企业选品靠经验、获客成本高",
            "多平台销售数据挖掘与用户画像",
            "新品成功率提高35%",
            "外贸工厂转型跨境电商",
        ),
        (
            "云原生软件研发与运维服务平台",
            "云计算；软件开发；运维；容器",
            "企业系统上云难、运维复杂",
            "容器编排与自动化运维",
            "系统部署时间由天缩短到分钟",
            "企业信息系统上云",
        ),
    ],
    "新能源与节能": [
        (
            "钙钛矿叠层太阳能电池",
            "光伏；钙钛矿；太阳能电池；叠层电池",
            "晶硅电池效率接近极限",
            "钙钛矿与晶硅叠层结构",
            "光电转换效率达到30%",
            "光伏组件制造与建筑光伏一体化",
        ),
        (
            "锂电池储能系统能量管理技术",
            "储能；电池管理系统；能量管理；削峰填谷",
            "工商业电费高、峰谷差大",
            "电池均衡与峰谷套利调度算法",
            "用电成本降低20%",
            "工业园区、商业楼宇储能",
        ),
        (
            "高效永磁同步电机及变频驱动",
            "永磁同步电机；变频；节能；电机能效",
            "老旧电机能耗高",
            "高效电磁设计与无传感器矢量控制",
            "电机能效达到IE5等级，节电15%以上",
            "风机、水泵与空压机节能改造",
        ),
        (
            "工业余热回收有机朗肯循环发电",
            "余热回收；有机朗肯循环；节能；热能利用",
            "工业窑炉废热直接排放",
            "有机工质朗肯循环与螺杆膨胀机",
            "每年可回收电量数百万千瓦时",
            "陶瓷、玻璃、钢铁窑炉余热利用",
        ),
        (
            "氢燃料电池膜电极",
            "燃料电池；氢能；膜电极；催化剂",
            "燃料电池成本高、铂用量大",
            "低铂催化剂与超薄质子交换膜",
            "铂载量降低40%，功率密度达到1.5W/cm²",
            "氢燃料电池汽车与备用电源",
        ),
        (
            "智能楼宇空调节能控制系统",
            "建筑节能；空调节能；智能控制；能耗监测",
            "商场写字楼空调能耗占比高",
            "负荷预测与冷站群控优化",
            "空调系统节能25%",
            "商业综合体、医院与酒店",
        ),
        (
            "电动汽车大功率快充技术",
            "快充；充电桩；电动汽车；碳化硅",
            "充电时间长、里程焦虑",
            "碳化硅功率模块与液冷充电枪",
            "10分钟补能续航400公里",
            "城市充电站与高速服务区",
        ),
        (
            "半导体照明LED高光效驱动电源",
            "LED；照明；驱动电源；节能灯具",
            "传统照明耗电大",
            "高功率因数恒流驱动",
            "系统光效达到180lm/W",
            "道路照明与工厂照明改造",
        ),
    ],
    "资源与环境": [
        (
            "电镀废水重金属深度处理技术",
            "废水处理；重金属；电镀废水；膜分离",
            "电镀废水重金属超标排放",
            "螯合沉淀与膜分离组合工艺",
            "出水重金属达到特别排放限值",
            "电镀、线路板企业废水处理",
        ),
        (
            "挥发性有机物催化燃烧治理装置",
            "VOCs；废气治理；催化燃烧；活性炭吸附",
            "喷涂印刷车间有机废气污染",
            "沸石转轮浓缩与催化燃烧",
            "VOCs去除率达到95%以上",
            "家具喷涂、印刷包装与电子厂废气治理",
        ),
        (
            "废旧锂电池有价金属回收",
            "电池回收；湿法冶金；资源循环；有价金属",
            "退役动力电池增多、资源浪费",
            "放电拆解与湿法浸出萃取",
            "锂回收率90%，镍钴回收率98%",
            "动力电池回收利用企业",
        ),
        (
            "城市污泥低温干化与资源化利用",
            "污泥处理；低温干化；资源化；固废",
            "污泥含水率高、处置难",
            "热泵低温干化与制备建材",
            "污泥含水率降至10%以下",
            "污水处理厂与建材企业",
        ),
        (
            "土壤重金属污染修复药剂",
            "土壤修复；重金属；钝化剂；污染治理",
            "工业遗留地块土壤重金属超标",
            "复合钝化剂原位稳定化",
            "重金属浸出浓度降低80%",
            "工业污染地块与农田修复",
        ),
        (
            "河道水环境在线监测与预警系统",
            "水质监测；在线监测；水环境；预警",
            "黑臭水体反弹、人工采样滞后",
            "多参数传感器与水质模型预测",
            "超标预警提前24小时",
            "河长制河道管理与工业园区排口监管",
        ),
        (
            "建筑垃圾再生骨料制备技术",
            "建筑垃圾；再生骨料；固废利用；绿色建材",
            "建筑垃圾堆放占地、污染",
            "破碎分选与骨料强化",
            "再生骨料替代率达到50%",
            "道路基层、砖块与预拌混凝土",
        ),
        (
            "餐厨垃圾厌氧发酵制沼气",
            "餐厨垃圾；厌氧发酵；沼气；有机废弃物",
            "餐厨垃圾量大、处理不当易污染",
            "两相厌氧发酵与沼渣利用",
            "产气率提高20%",
            "城市餐厨垃圾处理厂",
        ),
    ],
    "先进制造与自动化": [
        (
            "协作机器人柔性装配系统",
            "工业机器人；协作机器人；柔性装配；自动化",
            "装配工序依赖大量人工",
            "力控装配与视觉引导",
            "单条产线减少操作工8人",
            "3C电子产品与汽车零部件装配",
        ),
        (
            "数控机床热误差补偿技术",
            "数控机床；热误差补偿；精密加工；机床",
            "机床升温导致加工精度下降",
            "温度场建模与实时补偿",
            "加工精度提高50%",
            "模具、精密零件加工",
        ),
        (
            "注塑成型工艺参数智能优化系统",
            "注塑成型；工艺优化；模具；智能制造",
            "注塑调机靠老师傅、废品率高",
            "工艺数据采集与机器学习参数推荐",
            "废品率降低40%，调机时间缩短60%",
            "塑胶制品、家电外壳注塑",
        ),
        (
            "设备故障预测性维护系统",
            "预测性维护；故障诊断；振动监测；设备管理",
            "设备突发停机、维修被动",
            "振动信号分析与剩余寿命预测",
            "非计划停机减少50%",
            "生产线关键设备、风机和泵",
        ),
        (
            "激光精密焊接与切割装备",
            "激光焊接；激光切割；激光加工；精密加工",
            "传统焊接热变形大",
            "光纤激光与焊缝实时跟踪",
            "焊接速度提高3倍，变形量小于0.1毫米",
            "动力电池极耳焊接与钣金加工",
        ),
        (
            "智能仓储AGV调度系统",
            "AGV；智能仓储；物流机器人；调度算法",
            "仓库搬运靠人工、效率低",
            "多车路径规划与交通管制算法",
            "仓储作业效率提升3倍",
            "电商仓库与工厂物料配送",
        ),
        (
            "数字孪生车间生产管控平台",
            "数字孪生；MES；生产管控；智能工厂",
            "生产过程不透明、排产靠经验",
            "三维建模与实时数据驱动仿真",
            "订单交付周期缩短20%",
            "离散制造企业智能工厂建设",
        ),
        (
            "金属增材制造3D打印工艺",
            "增材制造；3D打印；金属粉末；选区激光熔化",
            "复杂零件难加工、开模成本高",
            "选区激光熔化与工艺参数优化",
            "零件致密度达99.5%",
            "模具随形冷却水路与医疗植入物",
        ),
        (
            "超精密模具加工与表面处理技术",
            "模具；超精密加工；表面处理；镜面抛光",
            "模具寿命短、表面粗糙",
            "超声辅助加工与物理气相沉积涂层",
            "模具寿命提高2倍",
            "手机外壳、光学镜片模具",
        ),
    ],
}

TITLE_PATTERNS: tuple[str, ...] = (
    "{core}",
    "一种{core}",
    "{core}关键技术及应用",
    "基于{method}的{core}",
    "{core}研发与产业化",
    "新型{core}",
)
ABSTRACT_PATTERN = (
    "针对{problem}的问题，本成果研发了{core}。采用{method}，{effect}。"
    "可应用于{application}，具有良好的推广前景。"
)
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰晨浩宇欣怡子涵思远嘉俊")
KNOWN_PREFIXES = {
    "东莞理工学院": "DGUT",
    "广东医科大学": "GDMU",
    "松山湖材料实验室": "SLAB",
    "广东科技学院": "GDST",
    "东莞城市学院": "DGCU",
}


def _prefix(name: str, index: int) -> str:
    return KNOWN_PREFIXES.get(name, f"INST{index + 1:02d}")


def topic_frame() -> pl.DataFrame:
    """All topics as a frame (field, core, keywords, problem, method, effect, application)."""
    rows = [(field, *topic) for field in FIELDS for topic in TOPICS[field]]
    names = ["field", "core", "keywords", "problem", "method", "effect", "application"]
    return pl.DataFrame(rows, schema=names, orient="row")


def achievements(n: int, seed: int, institutions: list[str]) -> pl.DataFrame:
    """n synthetic achievements of these institutions (codes PREFIX-YEAR-NNNNN, unique)."""
    if not institutions:
        raise ValueError("至少需要一个完成单位")
    rng = np.random.default_rng(seed)
    topics = topic_frame()
    t = rng.integers(0, topics.height, n)
    inst = rng.integers(0, len(institutions), n)
    years = rng.integers(2019, 2027, n)
    pattern = rng.integers(0, len(TITLE_PATTERNS), n)
    picked = topics[t]
    # Titles: a pattern per row, filled by whole-column string replacement.
    title = pl.Series(np.array(TITLE_PATTERNS, dtype=object)[pattern].tolist(), dtype=pl.String)
    frame = picked.with_columns(
        title=title.to_frame("t")
        .with_columns(core=picked["core"], method=picked["method"])
        .select(
            pl.col("t")
            .str.replace("{core}", pl.col("core"), literal=True)
            .str.replace("{method}", pl.col("method"), literal=True)
        )
        .to_series()
    )
    abstract = pl.concat_str(
        [
            pl.lit("针对"),
            pl.col("problem"),
            pl.lit("的问题，本成果研发了"),
            pl.col("core"),
            pl.lit("。采用"),
            pl.col("method"),
            pl.lit("，"),
            pl.col("effect"),
            pl.lit("。可应用于"),
            pl.col("application"),
            pl.lit("，具有良好的推广前景。"),
        ]
    )
    # Keywords: the topic's keywords, sometimes only the first three.
    short = rng.random(n) < 0.3
    inst_names = np.array(institutions, dtype=object)
    prefixes = np.array([_prefix(name, i) for i, name in enumerate(institutions)], dtype=object)
    seq = np.arange(1, n + 1)
    sur = np.array(SURNAMES, dtype=object)
    giv = np.array(GIVEN, dtype=object)
    people = [
        pl.Series(sur[rng.integers(0, len(sur), n)].tolist())
        + pl.Series(giv[rng.integers(0, len(giv), n)].tolist())
        for _ in range(3)
    ]
    count = rng.integers(1, 4, n)
    inventors = (
        pl.DataFrame({"a": people[0], "b": people[1], "c": people[2], "k": count})
        .select(
            pl.when(pl.col("k") == 1)
            .then(pl.col("a"))
            .when(pl.col("k") == 2)
            .then(pl.concat_str(["a", "b"], separator="；"))
            .otherwise(pl.concat_str(["a", "b", "c"], separator="；"))
        )
        .to_series()
    )
    patent_year = rng.integers(2015, 2026, n)
    patent_no = rng.integers(1_000_000, 9_999_999, n)
    has_patent = rng.random(n) < 0.85
    patents = pl.Series(
        np.where(
            has_patent,
            np.char.add(
                np.char.add(np.char.add("ZL", patent_year.astype(str)), "1"),
                np.char.add(np.char.add(patent_no.astype(str), "."), (patent_no % 10).astype(str)),
            ),
            "",
        ).tolist()
    )
    trl = rng.choice(np.arange(1, 10), n, p=[0.02, 0.05, 0.1, 0.15, 0.18, 0.18, 0.15, 0.1, 0.07])
    status = rng.choice(np.array(STATUSES, dtype=object), n, p=[0.7, 0.12, 0.13, 0.05])
    ownership = rng.choice(np.array(OWNERSHIPS, dtype=object), n, p=[0.7, 0.15, 0.15])
    mode_sets = np.array(
        ["许可", "转让", "先用后转", "许可、先用后转", "转让、作价投资", "许可、转让"], dtype=object
    )
    modes = rng.choice(mode_sets, n, p=[0.25, 0.2, 0.2, 0.2, 0.05, 0.1])
    price = np.round(rng.lognormal(3.5, 1.0, n), 0)
    price_known = rng.random(n) < 0.75
    out = frame.with_columns(
        abstract=abstract,
        keywords=pl.when(pl.Series(short))
        .then(pl.col("keywords").str.split("；").list.head(3).list.join("；"))
        .otherwise(pl.col("keywords")),
    ).select(
        code=pl.Series(prefixes[inst].tolist())
        + "-"
        + pl.Series(years.astype(str).tolist())
        + "-"
        + pl.Series(seq).cast(pl.String).str.zfill(5 if n < 100_000 else 6),
        institution=pl.Series(inst_names[inst].tolist(), dtype=pl.String),
        title=pl.col("title"),
        abstract=pl.col("abstract"),
        field=pl.col("field"),
        keywords=pl.col("keywords"),
        inventors=inventors,
        patents=patents,
        trl=pl.Series(trl, dtype=pl.Int64),
        ownership=pl.Series(ownership.tolist(), dtype=pl.String),
        modes=pl.Series(modes.tolist(), dtype=pl.String),
        asking_price=pl.Series(np.where(price_known, price, np.nan)).fill_nan(None),
        status=pl.Series(status.tolist(), dtype=pl.String),
    )
    return out.select(COLUMNS)
