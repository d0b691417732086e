async def test_people_exist(people):
    assert people.requester.id
