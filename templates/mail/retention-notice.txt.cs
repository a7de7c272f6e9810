Subject: <?cs var:Lang.Retention.Mail.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Retention.Mail.Intro ?>

<?cs var:Lang.Retention.Mail.When ?> <?cs var:Mail.When ?>.

<?cs var:Lang.Retention.Mail.Keep ?>
<?cs var:Mail.Link ?>

<?cs var:Lang.Retention.Mail.Nothing ?>

<?cs var:Shop.Name ?>
