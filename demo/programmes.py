"""All demo programmes and their events, one in every workflow state."""

import datetime

from demo.joint_degrees import joint_degree_programmes
from demo.paper import paper_programmes
from demo.specs import ProgrammeSpec
from demo.workflow import workflow_programmes


def programmes(today: datetime.date) -> tuple[ProgrammeSpec, ...]:
    return (
        *paper_programmes(today),
        *joint_degree_programmes(today),
        *workflow_programmes(today),
    )
