"""Queries a student would type, each with the passage of the shipped notes that answers it.

A target names a note file and a few line numbers of the answering passage; a hit is relevant
when it comes from that file and its line range contains one of those lines, so the cases do
not depend on how the notes are chunked. Several targets mean several passages answer it.
"""

from __future__ import annotations

from dataclasses import dataclass

EN_NOTES = "aws-sa-pro-notes.txt"
ES_NOTES = "aws-saa-apuntes.txt"

CATEGORIES = (
    "question_en",  # a natural question in English
    "question_es",  # a natural question in Spanish
    "term",  # a bare term or feature name
    "acronym",  # an acronym, alone or nearly
    "typo",  # a misspelt query
    "cross_lang",  # a question in one language answered only (or mainly) by the other notes
    "comparison",  # "X vs Y", "diferencia entre X e Y"
)


@dataclass(frozen=True, slots=True)
class Target:
    """One passage that answers a case: a note file and acceptable line numbers in it."""

    source: str
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RelevanceCase:
    query: str
    targets: tuple[Target, ...]
    category: str
    note: str


def _case(
    category: str,
    query: str,
    note: str,
    *,
    en: tuple[int, ...] = (),
    es: tuple[int, ...] = (),
) -> RelevanceCase:
    targets = []
    if en:
        targets.append(Target(EN_NOTES, en))
    if es:
        targets.append(Target(ES_NOTES, es))
    return RelevanceCase(query=query, targets=tuple(targets), category=category, note=note)


def _span(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


CASES: tuple[RelevanceCase, ...] = (
    # ---- natural questions in English -------------------------------------------------------
    _case(
        "question_en",
        "how does STS issue temporary credentials when a role is assumed?",
        "EN 'STS' lecture: the FLOW list; ES STS section also answers",
        en=(15, *_span(24, 28)),
        es=_span(2129, 2132) + _span(2142, 2146),
    ),
    _case(
        "question_en",
        "what is the maximum number of connections in a Direct Connect LAG?",
        "EN 'DX LAGS': maximum 4 connections per LAG",
        en=(186,),
    ),
    _case(
        "question_en",
        "how many read replicas can an RDS instance have?",
        "EN RDS Read-Replicas: 5 direct per primary; ES: hasta 5 réplicas",
        en=(832,),
        es=(597, 598),
    ),
    _case(
        "question_en",
        "how long is the RDS IAM authentication token valid?",
        "15 minutes, in the EN RDS lectures and the ES RDS IAM Authentication list",
        en=(784, 843),
        es=(647, 649, 650),
    ),
    _case(
        "question_en",
        "what happens to instance store data when the instance is stopped?",
        "EN 'Instance Store Data can be lost' list; ES EBS vs Instance Store cons",
        en=_span(509, 512),
        es=(513, 515, 517),
    ),
    _case(
        "question_en",
        "which EBS volume types can be used as boot volumes?",
        "ES: solo GP2 e IO1 son boot volumes; EN: HDD volumes NOT FOR BOOT",
        en=(518,),
        es=(443,),
    ),
    _case(
        "question_en",
        "how do I make a private S3 bucket reachable only through CloudFront?",
        "Origin Access Identity + bucket policy",
        en=(1501, 1529),
        es=(1155, 1162),
    ),
    _case(
        "question_en",
        "what is the maximum duration of a Step Functions workflow?",
        "1 year (standard workflows)",
        en=(1359, 1362),
        es=(2549,),
    ),
    _case(
        "question_en",
        "how does Route 53 failover routing work?",
        "EN routing policies: Failover primary/secondary with health checks",
        en=(227,),
        es=(794, 795),
    ),
    _case(
        "question_en",
        "what does a permissions boundary do?",
        "defines the maximum permissions of an identity; grants nothing",
        en=(37, 38, 43),
        es=(2235, 2236, 2237),
    ),
    _case(
        "question_en",
        "how long does CloudTrail take to deliver events?",
        "EN CloudTrail: not real time, ~15 minutes delay",
        en=(703,),
    ),
    _case(
        "question_en",
        "what is the maximum timeout of a Lambda function?",
        "15 minutes (EN Lambda PART1; ES Lambda limits 900 s)",
        en=(1253,),
        es=(1677,),
    ),
    _case(
        "question_en",
        "how much data can one Kinesis shard ingest per second?",
        "1MB in / 2MB out per shard",
        en=(1048,),
        es=(1510, 1511),
    ),
    _case(
        "question_en",
        "when should I use DAX in front of DynamoDB?",
        "EN DAX 'can be used when we have' list; ES DAX section",
        en=(965, *_span(974, 977)),
        es=_span(1736, 1741),
    ),
    _case(
        "question_en",
        "what placement group strategies are there for EC2?",
        "cluster / spread / partition",
        en=_span(656, 659),
        es=_span(161, 166),
    ),
    _case(
        "question_en",
        "how can I move an Aurora cluster to a different VPC?",
        "EN Aurora: clone / snapshot / replica to a new VPC",
        en=_span(870, 873),
    ),
    _case(
        "question_en",
        "what is the default TTL of objects cached by CloudFront?",
        "EN TTL and Invalidations: default TTL 24 hours",
        en=(1468,),
    ),
    _case(
        "question_en",
        "how do I send the same S3 event to several SQS queues?",
        "SNS + SQS fan out",
        en=(1222, 1241),
        es=(1478, 1479, 1487),
    ),
    # ---- natural questions in Spanish -------------------------------------------------------
    _case(
        "question_es",
        "¿cuántas copias de los datos guarda aurora?",
        "6 copias en 3 AZ (ES Aurora HA; EN Aurora Architecture)",
        en=(849,),
        es=(670,),
    ),
    _case(
        "question_es",
        "¿cómo encripto una base de datos RDS que no está encriptada?",
        "ES: snapshot, copia encriptada, restaurar; EN: restore snapshot then swap encryption",
        en=(885, 886),
        es=_span(634, 638),
    ),
    _case(
        "question_es",
        "¿qué tipos de Storage Gateway existen?",
        "ES: File, Volume y Tape Gateway",
        es=_span(1274, 1277),
    ),
    _case(
        "question_es",
        "¿qué pasa si cancelo un spot request?",
        "ES: cancelar no termina la instancia",
        es=(104, 105),
    ),
    _case(
        "question_es",
        "¿para qué sirve el cooldown en un auto scaling group?",
        "ES Scaling Cooldown; EN ASG Refresher cooldown period",
        en=(643,),
        es=_span(414, 418),
    ),
    _case(
        "question_es",
        "¿cuál es el tamaño máximo de un mensaje en SQS?",
        "256 KB",
        en=(1228,),
        es=(1361,),
    ),
    _case(
        "question_es",
        "¿cuántas suscripciones puede tener un topic de SNS?",
        "ES: 10.000.000 subscriptions per topic",
        es=(1444,),
    ),
    _case(
        "question_es",
        "¿qué significa un error 503 en el load balancer?",
        "ES LB troubleshooting: 503 problema de capacidad o sin targets",
        es=(273,),
    ),
    _case(
        "question_es",
        "¿cuánto tiempo retiene los datos Kinesis Data Streams?",
        "1 día por defecto, hasta 7 (EN: 24 h window, max 7 days)",
        en=(1046,),
        es=(1503,),
    ),
    _case(
        "question_es",
        "¿cuánta memoria puede tener una función lambda?",
        "128 MB a 3008 MB (ES Lambda limits); EN Lambda PART1 memory up to 3GB",
        en=(1253,),
        es=(1656, 1676),
    ),
    _case(
        "question_es",
        "¿cuántas réplicas de lectura soporta aurora?",
        "15 réplicas",
        en=(853,),
        es=(666, 677, 1921),
    ),
    _case(
        "question_es",
        "¿qué hace el user data de EC2?",
        "ES EC2 User Data Script: corre con root en el primer booteo",
        en=(607,),
        es=_span(65, 67),
    ),
    _case(
        "question_es",
        "¿qué routing policy de Route 53 manda al usuario a la región más cercana?",
        "latency routing policy",
        en=(230,),
        es=(782, 784),
    ),
    # ---- bare terms -------------------------------------------------------------------------
    _case(
        "term",
        "presigned url",
        "EN S3 Presigned URLs; ES S3 pre-signed URLs",
        en=_span(457, 462),
        es=_span(1006, 1010),
    ),
    _case("term", "object lock", "WORM", en=_span(473, 485), es=_span(1136, 1139)),
    _case("term", "lifecycle hooks", "ASG lifecycle hooks", en=(650, 651), es=_span(419, 421)),
    _case(
        "term",
        "session stickiness",
        "ALB cookies",
        en=(637, 638),
        es=_span(314, 320),
    ),
    _case(
        "term",
        "cross-zone load balancing",
        "ES Cross-Zone section; EN ELB PART2 CROSS-ZONE LB",
        en=(617,),
        es=_span(321, 332),
    ),
    _case("term", "intelligent tiering", "S3 class", en=_span(397, 404), es=_span(1046, 1051)),
    _case("term", "backtrack", "Aurora backtrack", en=(856,), es=(693,)),
    _case(
        "term",
        "envelope encryption",
        "ES KMS: data over 4 KB needs envelope encryption",
        es=(2284, 2295, 2317),
    ),
    _case("term", "transit VIF", "DX Gateway + TGW", en=(189, 210, 212)),
    _case(
        "term",
        "route 53 resolver inbound endpoint",
        "EN Advanced VPC DNS & DNS Endpoints",
        en=_span(265, 269) + (275,),
    ),
    _case("term", "provisioned concurrency", "Lambda warm contexts", en=(1285,)),
    _case("term", "consistent hashing", "DynamoDB partitions", en=(915,)),
    _case("term", "dead letter queue", "ES SQS DLQ", es=_span(1411, 1417)),
    _case(
        "term",
        "visibility timeout",
        "SQS message visibility timeout",
        en=(1236,),
        es=_span(1404, 1409),
    ),
    # ---- acronyms ---------------------------------------------------------------------------
    _case("acronym", "SCP", "Service Control Policy", en=_span(45, 51), es=_span(2202, 2209)),
    _case("acronym", "LAG", "Direct Connect Link Aggregation Groups", en=_span(181, 188)),
    _case("acronym", "ASG", "Auto Scaling Group", en=(641, 642), es=_span(363, 369)),
    _case("acronym", "STS", "Security Token Service", en=_span(14, 28), es=_span(2129, 2131)),
    _case("acronym", "DAX", "DynamoDB Accelerator", en=_span(964, 968), es=_span(1736, 1740)),
    _case("acronym", "NACL", "network ACLs", en=(141, 316), es=_span(2477, 2482)),
    _case("acronym", "RCU WCU", "DynamoDB capacity units", en=(912, 916), es=_span(1727, 1731)),
    _case("acronym", "OAI", "Origin Access Identity", en=(1501, 1529), es=(1155, 1162)),
    _case(
        "acronym",
        "SNI",
        "Server Name Indication",
        en=(626, 627, 1488),
        es=_span(345, 349),
    ),
    _case("acronym", "DMS", "Database Migration Service", en=_span(1611, 1619)),
    _case("acronym", "EFS", "Elastic File System", en=(354, 355), es=_span(539, 545)),
    _case("acronym", "AWS RAM", "Resource Access Manager", en=(66, 67), es=(2245, 2246)),
    _case("acronym", "VTL", "Tape Gateway virtual tape library", en=_span(1726, 1729), es=(1293,)),
    _case(
        "acronym",
        "CRR SRR",
        "S3 cross/same region replication",
        en=(417, *_span(435, 440)),
        es=_span(990, 998),
    ),
    _case("acronym", "KMS CMK", "customer master keys", en=(2062, 2065, 2066), es=(2292, 2304)),
    # ---- typos ------------------------------------------------------------------------------
    _case(
        "typo",
        "presigend url",
        "presigned url",
        en=_span(457, 462),
        es=_span(1006, 1010),
    ),
    _case("typo", "aurrora replicas", "aurora replicas", en=(853, 857), es=(666, 677)),
    _case("typo", "lifecylce hooks", "lifecycle hooks", en=(650, 651), es=_span(419, 421)),
    _case(
        "typo",
        "dynamdb global tables",
        "DynamoDB global tables",
        en=_span(979, 987),
        es=_span(1774, 1778),
    ),
    _case(
        "typo",
        "kinesis firehouse",
        "Kinesis Firehose",
        en=(1052, 1053),
        es=_span(1547, 1550),
    ),
    _case(
        "typo",
        "cloudfromt signed cookies",
        "CloudFront signed cookies",
        en=(1535, 1541),
        es=(1172, 1174, 1182),
    ),
    _case("typo", "permision boundries", "permission boundaries", en=(37, 38), es=(2235, 2236)),
    _case(
        "typo",
        "elasticache redis vs memcahced",
        "Redis vs Memcached",
        en=(1582, 1583),
        es=_span(734, 744),
    ),
    _case(
        "typo",
        "glaicer retrieval options",
        "Glacier retrieval",
        en=(391,),
        es=_span(1062, 1066),
    ),
    _case(
        "typo",
        "secrets manger rotation",
        "Secrets Manager rotation",
        en=(2118, 2120),
        es=_span(2361, 2369),
    ),
    # ---- cross-language ---------------------------------------------------------------------
    _case(
        "cross_lang",
        "¿cuántas réplicas tiene aurora?",
        "EN Aurora: single master with 15 replicas; ES Aurora overview also says 15",
        en=(853,),
        es=(666, 677),
    ),
    _case(
        "cross_lang",
        "¿cuántas conexiones puede tener un LAG de Direct Connect?",
        "EN only: maximum 4 connections per LAG",
        en=(186,),
    ),
    _case(
        "cross_lang",
        "¿qué es Amazon Macie y qué datos detecta?",
        "EN only: Macie discovers PII, PHI, financial data in S3",
        en=(488, 489),
    ),
    _case(
        "cross_lang",
        "¿cuántos VGW se pueden asociar a un Direct Connect gateway?",
        "EN only: maximum 10 VGW attachments to a DX Gateway",
        en=(193,),
    ),
    _case(
        "cross_lang",
        "¿qué es el modo compliance de S3 object lock?",
        "EN only: compliance mode, even the root user can't delete",
        en=_span(477, 481),
    ),
    _case(
        "cross_lang",
        "¿cuánto tarda CloudTrail en entregar los eventos?",
        "EN only: approximately 15 minutes delay",
        en=(703,),
    ),
    _case(
        "cross_lang",
        "¿qué controla la trust policy de un rol?",
        "EN only: TRUST POLICY controls WHO can assume the role",
        en=(17, 26),
    ),
    _case(
        "cross_lang",
        "¿cuánto puede retroceder el backtrack de aurora?",
        "EN only gives the limit: maximum backtrack 72 hours",
        en=(856,),
    ),
    _case(
        "cross_lang",
        "¿cuál es el máximo de IOPS de una instancia EC2 con EBS?",
        "EN only: EC2 max instance limit 160K IOPS",
        en=(527, 528),
    ),
    _case(
        "cross_lang",
        "¿qué opciones de base de datos son mejores para disaster recovery?",
        "EN DR Architecture - Database, worst to best",
        en=_span(2172, 2180),
    ),
    _case(
        "cross_lang",
        "what is the default SQS visibility timeout?",
        "ES only: 30 segundos por defecto",
        es=(1406, 1407),
    ),
    _case(
        "cross_lang",
        "how long does a dead letter queue keep messages?",
        "ES only: la DLQ expira en 14 días",
        es=(1415, 1417),
    ),
    _case(
        "cross_lang",
        "which IP addresses does AWS reserve in every subnet?",
        "ES only: 5 IPs reserved (network, router, DNS, future, broadcast)",
        es=_span(2432, 2437),
    ),
    _case(
        "cross_lang",
        "how many elastic IPs can an account have?",
        "ES only: 5 Elastic IP en toda la cuenta",
        es=(60, 61),
    ),
    _case(
        "cross_lang",
        "what are the limitations of EC2 hibernate?",
        "ES only: hibernate supported families, RAM < 150 GB, encrypted root EBS, 60 days",
        es=_span(191, 199),
    ),
    _case(
        "cross_lang",
        "spot fleet allocation strategies",
        "ES only: LowestPrice, diversified, CapacityOptimized",
        es=_span(112, 116),
    ),
    _case(
        "cross_lang",
        "how many secondary regions can an Aurora global database have?",
        "ES only: hasta 5 secundarias read only",
        es=_span(710, 713),
    ),
    # ---- comparisons ------------------------------------------------------------------------
    _case(
        "comparison",
        "SCP vs permission boundary",
        "EN Permissions Boundaries lecture covers both; ES boundaries combine with SCP",
        en=_span(37, 51),
        es=(2235, 2237, 2238),
    ),
    _case(
        "comparison",
        "ALB vs NLB",
        "EN Application vs Network Load Balancers; ES NLB section",
        en=_span(625, 635),
        es=_span(306, 312),
    ),
    _case(
        "comparison",
        "kinesis data streams vs firehose",
        "ES Kinesis Data Stream vs Firehose",
        es=_span(1559, 1570),
    ),
    _case(
        "comparison",
        "CloudFront signed URL vs S3 pre-signed URL",
        "ES CloudFront Signed URL vs S3 Pre-Signed URL",
        es=_span(1186, 1195),
    ),
    _case(
        "comparison",
        "global accelerator vs cloudfront",
        "ES Diferencias en AWS Global Accelerator vs CloudFront",
        es=_span(1218, 1230),
    ),
    _case(
        "comparison",
        "step functions vs SWF",
        "EN comparison of Step Functions - SWF; ES SWF section",
        en=_span(1398, 1400),
        es=_span(2555, 2562),
    ),
    _case(
        "comparison",
        "EBS vs EFS",
        "ES EBS vs EFS; EN EFS refresher",
        en=(356,),
        es=_span(560, 571),
    ),
    _case(
        "comparison",
        "aurora cross region replicas vs global database",
        "EN Cross Region Replicas VS Global Database",
        en=_span(887, 891),
    ),
    _case(
        "comparison",
        "SQS vs SNS vs Kinesis",
        "ES SQS vs SNS vs Kinesis; EN SQS -> / Kinesis -> lines",
        en=(1050, 1051),
        es=_span(1597, 1620),
    ),
    _case("comparison", "AWS Batch vs Lambda", "EN Batch vs Lambda", en=_span(1130, 1136)),
    _case(
        "comparison",
        "diferencia entre stop, terminate e hibernate en EC2",
        "ES EC2 Hibernate: stop / terminate / hibernate",
        es=_span(188, 191),
    ),
    _case(
        "comparison",
        "launch template vs launch configuration",
        "ES Diferencias entre Launch template vs Launch configuration",
        en=(641,),
        es=(403, 404, *_span(423, 426)),
    ),
    _case("comparison", "GSI vs LSI", "EN DynamoDB Indexes", en=_span(947, 950)),
    _case(
        "comparison",
        "network ACL vs security group",
        "ES Diferencias entre Network ACLs & security Group; EN Advanced VPC Routing",
        en=(141, 142),
        es=_span(2477, 2482),
    ),
)
