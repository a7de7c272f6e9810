Subject: <?cs if:Mail.Failed ?><?cs var:Lang.Mail.Bulk.SubjectFailed ?><?cs else ?><?cs var:Lang.Mail.Bulk.Subject ?><?cs /if ?> · <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs if:Mail.Failed ?><?cs var:Lang.Mail.Bulk.Failed ?><?cs else ?><?cs var:Lang.Mail.Bulk.Done ?><?cs /if ?> <?cs if:Mail.Target ?><?cs var:Lang.Customers.Job.Grouping.What[Mail.Action] ?> <?cs var:Lang.Typo.Open ?><?cs var:Mail.Target ?><?cs var:Lang.Typo.Close ?> <?cs var:Lang.Customers.Job.Grouping.Done[Mail.Action] ?> <?cs var:Mail.Changed ?> <?cs if:Mail.ChangedCount == 1 || (Mail.ChangedCount == 0 && Lang.Plural.ZeroIsOne == 1) ?><?cs var:Lang.Customers.MatchingOne ?><?cs else ?><?cs var:Lang.Customers.Matching ?><?cs /if ?><?cs else ?><?cs var:Mail.Changed ?> <?cs if:Mail.ChangedCount == 1 ?><?cs var:Lang.Mail.Bulk.ChangedOne[Mail.Action] ?><?cs else ?><?cs var:Lang.Mail.Bulk.Changed[Mail.Action] ?><?cs /if ?><?cs /if ?>.
<?cs if:Mail.Left ?><?cs var:Mail.Left ?> <?cs if:Mail.LeftCount == 1 ?><?cs var:Lang.Mail.Bulk.LeftOne ?><?cs else ?><?cs var:Lang.Mail.Bulk.Left ?><?cs /if ?>
<?cs /if ?><?cs if:Mail.Link ?>
<?cs var:Lang.Mail.Bulk.See ?>
<?cs var:Mail.Link ?>
<?cs /if ?>
Fidèle · <?cs var:Shop.Name ?>
