"""Held-out relevance cases: written after the search was tuned, by someone who had not seen
its results, and never tuned against. The gap between this set and tests/relevance_cases.py
is how much the ranking is fitted to its own test set. Add cases here only once they are
written blind; never change the engine to pass one of them."""

from tests.relevance_cases import _case, _span

HELDOUT_CASES = (
    _case("question_en", "what is the maximum size of an S3 object?", "", en=(386, 470), es=(855,)),
    _case("question_en", "in how many AZs does S3 standard store data?", "", en=(383,)),
    _case("question_es", "¿cuánto cuesta una zona hosteada en route 53?", "", es=(773,)),
    _case("question_es", "¿cuándo conviene usar Memcached?", "", en=(1582,), es=_span(740, 744)),
    _case(
        "question_en", "glacier deep archive minimum storage duration", "", en=(395,), es=(1071,)
    ),
    _case("question_en", "lambda deployment package size limit", "", en=(1255,), es=(1682, 1683)),
    _case(
        "question_es",
        "¿qué es un metric filter en cloudwatch logs?",
        "",
        en=(689, 693),
        es=_span(2040, 2043),
    ),
    _case("question_en", "how long are RDS automated backups kept?", "", es=_span(589, 593)),
    _case("term", "NAT gateway", "", en=(157,), es=_span(2458, 2464)),
    _case("question_en", "how can EC2 reach DynamoDB without internet access?", "", en=(234, 928)),
    _case("question_en", "what does AWS Config do?", "", en=(2008, 2009), es=_span(2090, 2092)),
    _case("question_es", "¿qué es Snowmobile?", "", es=_span(1256, 1259)),
    _case(
        "comparison", "ECS task role vs execution role", "", en=(1182, 1183), es=_span(2526, 2531)
    ),
    _case(
        "question_en",
        "how do I force SSL connections to RDS postgres?",
        "",
        en=(787,),
        es=(626, 627),
    ),
    _case("term", "shield advanced", "", en=(2140,), es=_span(2387, 2390)),
    _case("cross_lang", "¿qué tipos de parámetros guarda Parameter Store?", "", en=(2108,)),
    _case("term", "kinesis video streams", "", en=_span(2220, 2225)),
    _case("cross_lang", "what does S3 transfer acceleration do?", "", es=_span(1104, 1106)),
    _case("question_en", "what is the elastic beanstalk worker tier?", "", en=(1890,)),
    _case("term", "efs performance modes", "", en=_span(361, 363), es=_span(554, 556)),
    _case("typo", "cloudwtach alarms", "", en=(667,), es=_span(2060, 2064)),
    _case("typo", "placment groups", "", en=_span(655, 659), es=_span(161, 166)),
    _case("acronym", "DLQ", "", es=_span(1411, 1417)),
    _case("acronym", "WAF", "", en=(2141, 2142), es=_span(2392, 2399)),
    _case("cross_lang", "¿qué hace AWS X-Ray?", "", en=_span(709, 712)),
)
